/** Bad php-fpm input: a slowlog that rotates or is cut mid-entry, a status page that is not php-fpm's. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlowlogTail } from '../../src/telemetry/php-fpm/slowlog-tail.js';
import { FpmStatusError, parseFpmStatus } from '../../src/telemetry/php-fpm/fpm-status.js';

const entry = (pid: number, script: string) => `\n[23-Nov-2026 21:10:48]  [pool www] pid ${pid}\nscript_filename = ${script}\n[0x00007f1c2a213e40] usleep() ${script}:3\n`;

describe('slowlog tail', () => {
  let dir: string;
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads only new entries, waits for one cut mid-write, and follows rotation by rename and by truncation', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sy-slowlog-'));
    const file = join(dir, 'slow.log');
    await writeFile(file, entry(1, '/old.php'));
    const tail = new SlowlogTail(file);
    assert.deepEqual((await tail.poll()).entries, [], 'entries from before start are not ours');
    await appendFile(file, entry(2, '/a.php') + '\n[23-Nov-2026 21:10:49]  [pool www] pid 3\nscript_fil');
    const first = await tail.poll();
    assert.deepEqual(first.entries.map((e) => [e.pid, e.script, e.frame]), [[2, '/a.php', 'usleep() /a.php:3']]);
    assert.equal(first.entries[0]?.at, new Date(2026, 10, 23, 21, 10, 48).getTime());
    await appendFile(file, 'ename = /b.php\n[0x00007f1c2a213e40] sleep() /b.php:9\n');
    assert.deepEqual((await tail.poll()).entries.map((e) => e.script), ['/b.php']);

    await rename(file, `${file}.1`);
    await writeFile(file, entry(4, '/c.php'));
    const rotated = await tail.poll();
    assert.equal(rotated.rotated, true);
    assert.deepEqual(rotated.entries.map((e) => e.script), ['/c.php']);

    await truncate(file, 0);
    await appendFile(file, entry(5, '/d.php'));
    const truncated = await tail.poll();
    assert.equal(truncated.rotated, true);
    assert.deepEqual(truncated.entries.map((e) => e.script), ['/d.php']);

    await rm(file);
    assert.deepEqual(await tail.poll(), { entries: [], rotated: false }, 'a missing file is waited for');
  });
});

describe('php-fpm status page parsing', () => {
  const good = JSON.stringify({ pool: 'www', 'accepted conn': 12, 'listen queue': 0, 'max listen queue': 1, 'idle processes': 3, 'active processes': 1, 'total processes': 4, 'max children reached': 2, 'slow requests': 5 });

  it('reads the JSON status php-fpm returns', () => {
    const s = parseFpmStatus(`Content-type: application/json\r\nExpires: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n${good}`);
    assert.deepEqual(s, { activeProcesses: 1, idleProcesses: 3, totalProcesses: 4, listenQueue: 0, maxListenQueue: 1, maxChildrenReached: 2, slowRequests: 5, acceptedConn: 12 });
  });

  for (const [name, response, message] of [
    ['an HTML page', 'Content-type: text/html\r\n\r\n<html>pool: www</html>', /did not return JSON/],
    ['a 404', 'Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nFile not found.', /answered 404/],
    ['JSON without the fields', 'Content-type: application/json\r\n\r\n{"pool":"www"}', /lacks a numeric "active processes"/],
    ['a JSON array', 'Content-type: application/json\r\n\r\n[1,2]', /lacks a numeric/],
  ] as const) {
    it(`rejects ${name} with a reason`, () => {
      assert.throws(() => parseFpmStatus(response), (err: unknown) => err instanceof FpmStatusError && message.test(err.message));
    });
  }
});
