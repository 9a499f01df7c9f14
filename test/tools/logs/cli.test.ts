// The command as a user meets it: outputs, options, and one-line errors for their mistakes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../../src/cli/run-cli.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BIN, fixture, reportOf, runLogs } from './cli-harness.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-cli-'));
});
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const NOT_A_TRACE = /\n\s+at /;

test('a missing file is one line with SY_ERR_FILE_NOT_FOUND and exit 1', async () => {
  const run = await runLogs([join(dir, 'nope.log')]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^switchyard: no such log file: .*nope\.log \(SY_ERR_FILE_NOT_FOUND\)\n$/);
  assert.doesNotMatch(run.stderr, NOT_A_TRACE);
});

test('a directory is refused as unreadable', async () => {
  const run = await runLogs([dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /is a directory.*\(SY_ERR_FILE_UNREADABLE\)/);
});

test('a gzip file cut short is reported as unreadable, in one line', async () => {
  const whole = gzipSync(Buffer.from('127.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n'.repeat(20000)));
  const file = join(dir, 'cut.log.gz');
  await writeFile(file, whole.subarray(0, whole.length - 200));
  const run = await runLogs([file]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^switchyard: cannot read .*cut\.log\.gz: .*\(SY_ERR_FILE_UNREADABLE\)\n$/);
});

test('on a terminal, stderr shows a progress bar while the files are read', async () => {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let drawn = '';
  stderr.on('data', (b: Buffer) => (drawn += b.toString()));
  stdout.resume();
  const code = await runCli(['logs', fixture('zanbil_nginx_combined_xff.log')], { stdout, stderr, stdin: Readable.from([]), env: {}, cwd: process.cwd() });
  assert.equal(code, 0);
  assert.match(drawn, /reading logs \[.*\] \d+% \| [\d.]+ of 0\.3 MiB/);
});

test('a line of megabytes without a newline is one malformed line, not a memory blow-up', async () => {
  const good = '127.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n';
  const file = join(dir, 'overlong.log');
  await writeFile(file, good + 'x'.repeat(3 * 1024 * 1024) + '\n' + good);
  const r = await reportOf([file, '--jobs', '1']);
  assert.equal(r.summary.requests, 2);
  assert.equal(r.malformed, 1);
  assert.equal(r.samples.malformed[0].line, 2);
  assert.equal(r.samples.malformed[0].text, 'x'.repeat(500));
});

test('a broken gzip file among several, read by worker threads, fails the command and the process exits', { timeout: 60_000 }, async () => {
  const whole = gzipSync(Buffer.from('127.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n'.repeat(20000)));
  const broken = join(dir, 'broken.log.gz');
  await writeFile(broken, whole.subarray(0, whole.length - 200));
  // A real process: a worker thread left running would keep it from exiting, and the test times out.
  const child = spawn(process.execPath, [BIN, 'logs', fixture('zanbil_nginx_combined_xff.log'), broken, fixture('nasa_aug95_100_common.log'), '--jobs', '2'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1);
  assert.match(stderr, /broken\.log\.gz: .*\(SY_ERR_FILE_UNREADABLE\)\n$/);
});

const badOptions: [string[], RegExp][] = [
  [['--top', '0'], /--top must be a whole number of at least 1.*SY_ERR_CLI_USAGE/],
  [['--jobs', 'many'], /--jobs must be a whole number/],
  [['--bucket', '90s'], /--bucket must be whole minutes/],
  [['--output', 'xml'], /argument 'xml' is invalid/],
  [['--follow', '--output', 'csv'], /--follow prints table or json/],
];
for (const [args, message] of badOptions) {
  test(`bad option ${args.join(' ')} is one line on stderr and a non-zero exit`, async () => {
    const run = await runLogs([...args, fixture('nasa_aug95_100_common.log')]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.equal(run.stdout, '');
  });
}

test('the table names every section and the numbers a user checks first', async () => {
  const run = await runLogs([fixture('zanbil_nginx_combined_xff.log')]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^1,000 requests, 0 malformed, 18\.1 MiB sent/);
  for (const section of ['Top clients', 'Top paths', 'Top route patterns', 'Status codes', 'Requests over time', 'Migration ranking']) {
    assert.match(run.stdout, new RegExp(`^${section}`, 'm'));
  }
  assert.match(run.stdout, /^ {2}66\.249\.66\.194 +88 +8\.8%$/m);
  assert.equal(run.stderr, '', 'no progress bar on a pipe');
});

test('--top limits every table and --bucket sets the timeline step', async () => {
  const r = await reportOf([fixture('zanbil_nginx_combined_xff.log'), '--top', '3', '--bucket', '1m']);
  assert.equal(r.clients.length, 3);
  assert.equal(r.paths.length, 3);
  assert.equal(r.bucketSeconds, 60);
  assert.deepEqual(r.timeline.map((t: any) => t.t), ['2019-01-22T00:26:00Z', '2019-01-22T00:27:00Z', '2019-01-22T00:28:00Z', '2019-01-22T00:29:00Z']);
  assert.equal(r.timeline.reduce((n: number, t: any) => n + t.count, 0), 1000);
});

test('CSV has one header and a section column a spreadsheet can filter on', async () => {
  const run = await runLogs([fixture('zanbil_nginx_combined_xff.log'), '--output', 'csv']);
  const rows = run.stdout.trimEnd().split('\r\n');
  assert.equal(rows[0], 'section,key,requests,share,bytes,errors,error_rate,mean_ms,p50_ms,p95_ms,p99_ms,score,configured_route');
  assert.ok(rows.includes('client,66.249.66.194,88,0.088,,,,,,,,,'));
  assert.ok(rows.some((r) => r.startsWith('route,/filter/{param},217,')));
});

// Switchyard's own access log (src/telemetry/access-log.ts), with a path a browser must not run.
const OWN_LOG = [
  { log: 'access', time: '2026-11-23T20:41:09.123Z', remote: '127.0.0.1', method: 'GET', path: '/user/5?x=1', status: 200, bytes: 100, duration: 0.010, upstream: 'users', route: 'user.show' },
  { log: 'access', time: '2026-11-23T20:41:10.000Z', remote: '127.0.0.1', method: 'GET', path: '/user/6', status: 502, bytes: 50, duration: 0.030, upstream: 'users', route: 'user.show' },
  { log: 'access', time: '2026-11-23T20:42:00.000Z', remote: '::1', method: 'GET', path: '/<script>alert(1)</script>', status: 404, bytes: 10, duration: 0.001, upstream: 'legacy', route: null },
  { level: 30, log: 'gateway', msg: 'listening' },
]
  .map((o) => JSON.stringify(o))
  .join('\n');

test("Switchyard's JSON log: route patterns from the path beside the route the gateway matched, durations in seconds", async () => {
  const file = join(dir, 'switchyard.log');
  await writeFile(file, `${OWN_LOG}\n`);
  const r = await reportOf([file]);
  assert.equal(r.summary.requests, 3);
  assert.equal(r.malformed, 0, 'operational lines in the same stream are skipped, not malformed');
  const show = r.routeDetails.find((x: any) => x.key === '/user/{id}');
  assert.equal(show.requests, 2);
  assert.equal(show.errors, 1);
  assert.equal(show.latency.maxMs, 30);
  assert.deepEqual(show.configuredRoutes, [{ route: 'user.show', requests: 2 }]);
  assert.equal(r.ranking[0].key, '/user/{id}');
});

test('the HTML report is self-contained, has charts, and escapes what the log contains', async () => {
  const file = join(dir, 'escape.log');
  await writeFile(file, `${OWN_LOG}\n`);
  const run = await runLogs([file, '--output', 'html']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^<!doctype html>/);
  assert.ok((run.stdout.match(/<svg /g) ?? []).length >= 2, 'timeline and status charts');
  assert.doesNotMatch(run.stdout, /<script>/);
  assert.match(run.stdout, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
  assert.doesNotMatch(run.stdout, /https?:\/\/(?!www\.w3\.org)/, 'fetches nothing from the network');
});

test('--output html -o FILE writes the report to the file and nothing to stdout', async () => {
  const out = join(dir, 'report.html');
  const run = await runLogs(['--output', 'html', '-o', out, fixture('nasa_aug95_100_common.log')]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(await readFile(out, 'utf8'), /^<!doctype html>/);
  const json = join(dir, 'report.json');
  assert.equal((await runLogs(['--output', 'json', '--out', json, fixture('nasa_aug95_100_common.log')])).code, 0);
  assert.equal(JSON.parse(await readFile(json, 'utf8')).summary.requests, 100);
});

test('-o into a missing folder is one line naming the file, exit 1', async () => {
  const out = join(dir, 'no-such-folder', 'report.html');
  const run = await runLogs(['-o', out, fixture('nasa_aug95_100_common.log')]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /no-such-folder\/report\.html \(ENOENT\) \(SY_ERR_FILE_UNWRITABLE\)\n$/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
});

test('several files of different formats make one report', async () => {
  const r = await reportOf([fixture('nasa_aug95_100_common.log'), fixture('lnav_caddy_json.log')]);
  assert.equal(r.summary.requests, 104);
  assert.equal(r.summary.formats[1], 'json');
});

test('a log with a time field gets latency percentiles within 2% of the exact value', async () => {
  const file = join(dir, 'latency.log');
  // 1..1000 ms, one request each: the exact p50 is 500 ms, p99 990 ms.
  const lines = Array.from({ length: 1000 }, (_, i) => `10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /a HTTP/1.1" 200 1 "-" "-" ${((i + 1) / 1000).toFixed(3)}`);
  await writeFile(file, `${lines.join('\n')}\n`);
  const format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';
  const r = await reportOf([file, '--format', format]);
  assert.ok(Math.abs(r.latencyMs.p50Ms - 500) <= 10, `p50 ${r.latencyMs.p50Ms}`);
  assert.ok(Math.abs(r.latencyMs.p99Ms - 990) <= 19.8, `p99 ${r.latencyMs.p99Ms}`);
  assert.equal(r.latencyMs.maxMs, 1000);
  assert.equal(r.latencyMs.meanMs, 500.5);
});
