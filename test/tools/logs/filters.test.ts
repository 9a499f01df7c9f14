// --filter, --since and --until on real logs: the expected counts are computed here from the
// files with a regular expression per line, not by the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, reportOf, runLogs } from './cli-harness.js';

const ZANBIL = fixture('zanbil_nginx_combined_xff.log');
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

interface Line { ip: string; time: number; method: string; path: string; status: number; bytes: number }

function zanbil(): Line[] {
  return readFileSync(ZANBIL, 'latin1').split('\n').filter((l) => l !== '').map((l) => {
    const m = /^(\S+) \S+ \S+ \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d\d)(\d\d)\] "(\S+) ([^ ?"]*)\S* [^"]*" (\d{3}) (\d+)/.exec(l);
    assert.ok(m !== null, l);
    const [, ip, d, mon, y, hh, mm, ss, oh, om, method, path, status, bytes] = m as unknown as string[];
    const offset = (Number(oh) * 60 + Math.sign(Number(oh)) * Number(om)) * 60_000;
    const time = Date.UTC(+y!, MONTHS.indexOf(mon!) / 3, +d!, +hh!, +mm!, +ss!) - offset;
    return { ip: ip!, time, method: method!, path: path!, status: +status!, bytes: +bytes! };
  });
}

const cases: [string[], (l: Line) => boolean][] = [
  [['--filter', 'status>=400'], (l) => l.status >= 400],
  [['--filter', 'status!=200'], (l) => l.status !== 200],
  [['--filter', 'status>=300', '--filter', 'path~^/image'], (l) => l.status >= 300 && /^\/image/.test(l.path)],
  [['--filter', 'ip=66.249.66.194'], (l) => l.ip === '66.249.66.194'],
  [['--filter', 'method != GET'], (l) => l.method !== 'GET'],
  [['--filter', 'bytes<1000', '--filter', 'path=/'], (l) => l.bytes < 1000 && l.path === '/'],
  [['--since', '2019-01-22T00:27:00Z', '--until', '2019-01-22T00:28:30Z'], (l) => l.time >= Date.UTC(2019, 0, 22, 0, 27) && l.time < Date.UTC(2019, 0, 22, 0, 28, 30)],
  [['--since', '2019-01-22T04:28:00+04:00'], (l) => l.time >= Date.UTC(2019, 0, 22, 0, 28)],
  [['--until', '2019-01-21'], () => false],
  [['--since', '2019-01-22', '--until', '2019-01-22'], () => true],
];
for (const [args, keep] of cases) {
  test(`${args.join(' ')} keeps exactly the matching lines and counts the rest as filtered`, async () => {
    const lines = zanbil();
    const kept = lines.filter(keep);
    const r = await reportOf([ZANBIL, ...args]);
    assert.equal(r.parsed, kept.length);
    assert.equal(r.filtered, lines.length - kept.length);
    assert.equal(r.malformed, 0, 'filtered lines are not malformed');
    assert.equal(r.bytes, kept.reduce((n, l) => n + l.bytes, 0));
  });
}

test('a filter reads the same through the byte parser (file) and the string parser (stdin)', async () => {
  const args = ['--filter', 'status>=300', '--filter', 'path~^/image', '--format', 'combined'];
  const byFile = await reportOf([ZANBIL, ...args]);
  const byStdin = await reportOf(['-', ...args], readFileSync(ZANBIL));
  assert.deepEqual(byStdin.top, byFile.top);
  assert.equal(byStdin.filtered, byFile.filtered);
});

test('time compares the request time in seconds; lines without one do not match', async () => {
  const file = fixture('lnav_iis_w3c.log');
  const taken = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => Number(l.split(' ')[16]));
  const r = await reportOf([file, '--filter', 'time>1']);
  assert.equal(r.parsed, taken.filter((ms) => ms > 1000).length);
  const none = await reportOf([ZANBIL, '--filter', 'time>=0']);
  assert.equal(none.parsed, 0, 'the log has no request time');
});

const bad: [string[], RegExp][] = [
  [['--filter', 'status>>500'], /needs a number, got ">500"/],
  [['--filter', 'colour=red'], /unknown field "colour"/],
  [['--filter', 'status~5'], /status is a number/],
  [['--filter', 'path>/a'], /path is text; use = != or ~/],
  [['--filter', 'path~(unclosed'], /--filter "path~\(unclosed": Invalid regular expression/],
  [['--filter', 'status'], /must be FIELD OP VALUE/],
  [['--since', 'yesterday'], /--since must be an ISO 8601 date or timestamp/],
  [['--since', '2019-02-30'], /is not a real date/],
  [['--since', '2019-01-23', '--until', '2019-01-22'], /is not before --until/],
];
for (const [args, message] of bad) {
  test(`bad filter ${args.join(' ')} is one line with SY_ERR_LOG_FILTER and exit 1`, async () => {
    const run = await runLogs([...args, ZANBIL]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /\(SY_ERR_LOG_FILTER\)\n$/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.equal(run.stdout, '');
  });
}
