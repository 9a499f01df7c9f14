// `--follow` as a user runs it, in a real process: it reports what is appended, keeps reading
// after logrotate renames the file, and exits cleanly on Ctrl-C.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli-harness.js';

const line = (path: string, status = 200): string =>
  `127.0.0.1 - - [23/Nov/2026:20:00:00 +0000] "GET ${path} HTTP/1.1" ${status} 10 "-" "curl/8"\n`;

let dir: string;
let child: ChildProcess | undefined;
// --follow never ends by itself: whatever happens to the test (a timeout, a failed assertion),
// the process it started must not outlive it.
const reap = (): void => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};
process.once('exit', reap);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-follow-'));
});
after(async () => {
  reap();
  await rm(dir, { recursive: true, force: true });
});

test('--follow reports appended lines, survives a rename rotation, and stops on SIGINT', { timeout: 60_000 }, async () => {
  const file = join(dir, 'access.log');
  await writeFile(file, line('/a') + line('/b'));
  const proc = spawn(process.execPath, [BIN, 'logs', '--follow', '--output', 'json', '--interval', '100ms', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const reports = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const untilRequests = async (n: number): Promise<Record<string, any>> => {
    for (;;) {
      const next = await reports.next();
      assert.notEqual(next.done, true, 'the process ended before reporting');
      const report = JSON.parse(next.value as string) as Record<string, any>;
      if (report['summary'].requests === n) return report;
      assert.ok(report['summary'].requests < n, `overshot: ${report['summary'].requests}`);
    }
  };
  try {
    await untilRequests(2);
    await appendFile(file, line('/user/1') + line('/user/2', 500) + line('/user/3'));
    const grown = await untilRequests(5);
    assert.equal(grown['routeDetails'].find((r: any) => r.key === '/user/{id}').errors, 1);

    await rename(file, `${file}.1`);
    await writeFile(file, line('/after-rotation'));
    const rotated = await untilRequests(6);
    assert.ok(rotated['paths'].some((p: any) => p.key === '/after-rotation'));
  } finally {
    proc.kill('SIGINT');
  }
  assert.equal(await exited, 0);
});

test('SIGINT sent as soon as the first report is read ends --follow with status 0, every time', { timeout: 60_000 }, async () => {
  // The signal handlers used to be installed after the first report was written: a reader that
  // signalled at once killed the process by the signal's default action, about 4 runs in 10.
  const file = join(dir, 'quick.log');
  await writeFile(file, line('/a').repeat(500));
  for (let run = 0; run < 8; run++) {
    const proc = spawn(process.execPath, [BIN, 'logs', '--follow', '--output', 'json', file, file], { stdio: ['ignore', 'pipe', 'ignore'] });
    child = proc;
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.once('exit', (code, signal) => resolve([code, signal])));
    const first = await createInterface({ input: proc.stdout })[Symbol.asyncIterator]().next();
    proc.kill('SIGINT');
    assert.notEqual(first.done, true);
    assert.deepEqual(await exited, [0, null], `run ${run + 1}`);
  }
});
