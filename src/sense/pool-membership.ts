/**
 * Whether a process is a worker of one of the gateway's php-fpm pools: it holds the pool's
 * listening socket (php-fpm's children inherit it from the master), found by inode in
 * /proc/net/unix (a unix pool, by path) or /proc/net/tcp{,6} (a TCP pool, by listening port)
 * and in the process's /proc/PID/fd. The kernel only says that a `php-fpm…` process started a
 * program; another pool on the same machine, another gateway's, is neither reported nor
 * killed. Read per event, so a restarted php-fpm (a new socket) is recognised.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { ListenAddress } from '../config/types.js';

/** The inodes of the pools' listening sockets now. */
export function poolSocketInodes(pools: readonly ListenAddress[], proc = '/proc'): Set<string> {
  const inodes = new Set<string>();
  const paths = new Set(pools.flatMap((p) => (p.kind === 'unix' ? [p.path] : [])));
  const ports = new Set(pools.flatMap((p) => (p.kind === 'tcp' ? [p.port] : [])));
  if (paths.size > 0) {
    // Num RefCount Protocol Flags Type St Inode Path
    for (const line of lines(`${proc}/net/unix`)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 8 && paths.has(f.slice(7).join(' '))) inodes.add(f[6] as string);
    }
  }
  if (ports.size > 0) {
    // sl local_address rem_address st ... inode (field 10); st 0A is LISTEN
    for (const file of ['tcp', 'tcp6']) {
      for (const line of lines(`${proc}/net/${file}`)) {
        const f = line.trim().split(/\s+/);
        const port = parseInt(f[1]?.split(':')[1] ?? '', 16);
        if (f[3] === '0A' && ports.has(port) && f[9] !== undefined) inodes.add(f[9]);
      }
    }
  }
  return inodes;
}

/** Whether `pid` holds one of these sockets; false when it is gone or cannot be read. */
export function holdsSocket(pid: number, inodes: ReadonlySet<string>, proc = '/proc'): boolean {
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`${proc}/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${proc}/${pid}/fd/${fd}`));
      if (m !== null && inodes.has(m[1] as string)) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(1);
  } catch {
    return [];
  }
}
