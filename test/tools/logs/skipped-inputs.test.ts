// `switchyard logs *.log` over a folder that also holds an error log: the error log is skipped
// with one stderr line saying why, the access logs are reported, and the exit status is 0 (as
// GoAccess reports on what it can parse). Only when no input is an access log does it fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, fixture, runLogs } from './cli-harness.js';

const ACCESS = fixture('nasa_aug95_100_common.log'); // 100 requests
const ERROR_LOG = fixture('apache_error_not_access.log');
const SKIP_LINE = /^switchyard: skipped (.+): not an access log in a known format \(first line: "\[Sun Dec 04 04:47:44 2005\] \[notice\] .*"\) \(SY_ERR_LOG_FORMAT\)$/;

let dir: string;
let secondError: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-skipped-'));
  secondError = join(dir, 'error.log');
  await copyFile(ERROR_LOG, secondError);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stderrLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '');

test('an error log among access logs is skipped with one stderr line, and the rest is reported with exit 0', async () => {
  const run = await runLogs([ERROR_LOG, ACCESS, '--output', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const [line, ...more] = stderrLines(run.stderr);
  assert.deepEqual(more, []);
  assert.equal(SKIP_LINE.exec(line ?? '')?.[1], ERROR_LOG);
  const r = JSON.parse(run.stdout) as Record<string, any>;
  assert.equal(r.summary.requests, 100);
  assert.equal(r.malformed, 0, 'no line of the error log is counted, not even as malformed');
  assert.deepEqual(r.summary.inputs, [ACCESS]);
  assert.equal(r.summary.formats.length, 1);
  assert.deepEqual(r.summary.skipped.map((s: any) => s.input), [ERROR_LOG]);
  assert.match(r.summary.skipped[0].reason, /^not an access log in a known format \(first line: "\[Sun Dec 04/);
});

test('each skipped file has its own line, in the order given; the table names them under the inputs', async () => {
  const run = await runLogs([secondError, ACCESS, ERROR_LOG]);
  assert.equal(run.code, 0, run.stderr);
  const lines = stderrLines(run.stderr);
  assert.deepEqual(lines.map((l) => SKIP_LINE.exec(l)?.[1]), [secondError, ERROR_LOG]);
  assert.match(run.stdout, /^100 requests, 0 malformed/);
  assert.match(run.stdout, new RegExp(`^skipped, not access logs: ${secondError}, ${ERROR_LOG}$`, 'm'));
});

test('stdin that is not an access log is skipped beside a file that is', async () => {
  const run = await runLogs(['-', ACCESS, '--output', 'json'], await readFile(ERROR_LOG));
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(stderrLines(run.stderr).map((l) => SKIP_LINE.exec(l)?.[1]), ['stdin']);
  assert.equal(JSON.parse(run.stdout).summary.requests, 100);
});

test('when every input is skipped: one line naming them, SY_ERR_LOG_FORMAT, exit 1, no report', async () => {
  const run = await runLogs([ERROR_LOG, secondError]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.deepEqual(stderrLines(run.stderr), [
    `switchyard: cannot recognise the log format of any of the 2 inputs (${ERROR_LOG}, ${secondError}); ` +
      'pass --format with its nginx log_format or Apache LogFormat string (SY_ERR_LOG_FORMAT)',
  ]);
  const follow = await runLogs(['--follow', ERROR_LOG, secondError]);
  assert.equal(follow.code, 1);
  assert.equal(stderrLines(follow.stderr).length, 1);
  assert.match(follow.stderr, /any of the 2 inputs .*\(SY_ERR_LOG_FORMAT\)\n$/);
});

test('a file that cannot be read still stops the command, error log or not: a typo is not a skipped log', async () => {
  const run = await runLogs([ERROR_LOG, ACCESS, join(dir, 'no-such.log')]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^switchyard: no such log file: .*no-such\.log \(SY_ERR_FILE_NOT_FOUND\)\n$/);
});

test('--follow skips the error log too and follows the access log', { timeout: 30_000 }, async () => {
  // An access log that ends with a newline: --follow leaves an unfinished last line for later.
  const access = fixture('zanbil_nginx_combined_xff.log');
  const proc = spawn(process.execPath, [BIN, 'logs', '--follow', '--output', 'json', '--interval', '100ms', ERROR_LOG, access], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  try {
    const first = await createInterface({ input: proc.stdout })[Symbol.asyncIterator]().next();
    assert.notEqual(first.done, true, `no report: ${stderr}`);
    assert.equal(JSON.parse(first.value as string).summary.requests, 1000);
  } finally {
    proc.kill('SIGINT');
  }
  assert.equal(await exited, 0);
  assert.deepEqual(stderrLines(stderr).map((l) => SKIP_LINE.exec(l)?.[1]), [ERROR_LOG]);
});
