/**
 * Runs wrk (Debian's `wrk`) against a URL for a fixed time and reads its report: requests per
 * second, latency percentiles, and every kind of failure wrk counts. Bounded by `duration`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  readonly failures: number;
}

export interface WrkOptions {
  readonly connections: number;
  readonly threads?: number;
  readonly durationSeconds: number;
  /** A wrk Lua script (`-s`), e.g. one whose delay() paces each connection. */
  readonly script?: string;
}

export async function wrk(url: string, options: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(options.threads ?? 2), '-c', String(options.connections), '-d', `${options.durationSeconds}s`, '--timeout', '10s', '--latency', ...(options.script === undefined ? [] : ['-s', options.script]), url];
  const { stdout } = await run('wrk', args, { timeout: (options.durationSeconds + 30) * 1000 });
  return parseWrk(stdout);
}

export function parseWrk(out: string): WrkResult {
  const number = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
  const latency = (pct: string) => {
    const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
    if (m === null) return NaN;
    const factor = m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1;
    return Number(m[1]) * factor;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((a, b) => a + Number(b), 0);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    requests: number(/(\d+) requests in/),
    failures: number(/Non-2xx or 3xx responses: (\d+)/) + socketErrors,
  };
}
