/**
 * CPU time of a whole process tree (a master and its workers), read from /proc/<pid>/stat
 * (utime + stime, proc(5)), so that a run can report CPU per request for each proxy. Requests
 * per second alone hide how much of the machine a proxy took to get them, and on a small
 * machine wrk, php-fpm and the proxy compete for the same cores.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for the utime/stime fields; 100 on every Linux we run on. */
const TICKS = ((): number => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  readonly ppid: number;
  readonly ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Seconds of CPU used so far by `root` and every live descendant of it. */
export function treeCpuSeconds(root: number): number {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat !== undefined) all.set(pid, stat);
  }
  const inTree = new Set<number>([root]);
  // Parents come before children in pid order only usually; repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of all) {
      if (!inTree.has(pid) && inTree.has(stat.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of inTree) ticks += all.get(pid)?.ticks ?? 0;
  return ticks / TICKS;
}
