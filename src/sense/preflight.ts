/**
 * What the sensor needs of the machine, checked before anything starts so that a machine that
 * cannot run it gets one line saying why: root (bpftrace loads BPF programs), `bpftrace` on the
 * PATH, and tracefs mounted where bpftrace looks for tracepoints. When tracefs is missing and we
 * are root, it is mounted (as `mount -t tracefs nodev /sys/kernel/tracing` would): a container
 * or minimal system often has debugfs/tracefs unmounted, and bpftrace then finds no tracepoint.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { SwitchyardError } from '../errors.js';
import { findProgram } from '../find-program.js';

export const TRACEFS = '/sys/kernel/tracing';

const run = promisify(execFile);

/** The bpftrace executable to run, or a SwitchyardError saying why the sensor cannot run. */
export function checkMachine(env: NodeJS.ProcessEnv, uid: number | undefined = process.getuid?.()): string {
  if (uid !== 0) throw new SwitchyardError('SY_ERR_SENSE_UNAVAILABLE', 'switchyard sense must run as root (bpftrace loads programs into the kernel); run it as root beside the gateway');
  const found = findProgram(['bpftrace'], (env['PATH'] ?? '').split(delimiter));
  if (found === undefined) throw new SwitchyardError('SY_ERR_SENSE_UNAVAILABLE', 'switchyard sense needs bpftrace, which is not on the PATH (Debian package bpftrace)');
  return found;
}

/** Mounts tracefs when its events are not visible; returns what was done, for the output. */
export async function ensureTracefs(root = TRACEFS): Promise<string | undefined> {
  if (existsSync(join(root, 'events'))) return undefined;
  try {
    // starts: mount
    await run('mount', ['-t', 'tracefs', 'nodev', root], { timeout: 10_000 });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new SwitchyardError('SY_ERR_SENSE_UNAVAILABLE', `tracefs is not mounted at ${root} and mounting it failed: ${detail}`);
  }
  return `mounted tracefs at ${root} (bpftrace finds tracepoints there)`;
}
