/**
 * One measured run of a command under GNU time: wall and CPU seconds (user + system, the
 * command's children included: Switchyard's CPU counts the buf compiler it starts) and the
 * peak RSS of the largest process. Output goes to a file, whose lines are the findings.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Measure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly findings: number;
}

export function measure(cmd: readonly string[], cwd: string, scratch: string): Promise<Measure> {
  const report = join(scratch, 'time.txt');
  const out = join(scratch, 'out.txt');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', report, 'bash', '-c', '"$@" > "$OUT"', 'bash', ...cmd], {
      cwd,
      env: { ...process.env, OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      // 100 means "findings exist" for both tools.
      if (code !== 0 && code !== 100) return reject(new Error(`${cmd.join(' ')} failed (exit ${code}): ${err.slice(-500)}`));
      void Promise.all([readFile(report, 'utf8'), readFile(out, 'utf8')]).then(([time, stdout]) => {
        const [wall, user, sys, rssKb] = (time.trim().split('\n').pop() ?? '').split(' ').map(Number) as [number, number, number, number];
        resolve({ wallMs: wall * 1000, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024, findings: stdout.split('\n').filter((l) => l !== '').length });
      }, reject);
    });
  });
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
