// With sense.exec.kill, a php-fpm worker that starts a program is killed while its request runs:
// the request gets a 502, the worker's pid is gone, and the event still names the request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cannotSense, listed, startSenseSetup, type SenseSetup } from './sensor-setup.js';
import { until } from '../helpers/until.js';

describe('switchyard sense, killing', { skip: cannotSense() }, () => {
  let s: SenseSetup;
  let dir: string;
  before(async () => {
    s = await startSenseSetup({ kill: true });
    dir = await mkdtemp(join(tmpdir(), 'sy-sense-'));
  });
  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the worker that ran /bin/sh is killed, its request answered 502', async () => {
    const answer = fetch(`${s.gw.url}/fixtures/shell.php?hold=${encodeURIComponent(dir)}`, { headers: { 'x-request-id': 'sense-kill-1' } });
    const seen = await s.event((e) => e.kind === 'exec' && e.requestId === 'sense-kill-1');
    const res = await answer;
    assert.equal(res.status, 502, `${await res.text()}; the sensor said: ${s.notices()}`);
    assert.match(seen.command ?? '', /\/bin\/sh -c true/);
    // php-fpm's master reaps its killed child; the pid leaves the process table.
    assert.ok(await until(() => !existsSync(`/proc/${seen.pid}`), 5_000), `worker ${seen.pid} still exists`);
    assert.match(s.notices(), new RegExp(`killed php-fpm worker ${seen.pid}`));
    assert.ok((await listed(s.admin)).some((e) => e.requestId === 'sense-kill-1' && e.pid === seen.pid));
    // php-fpm starts another worker; the pool serves on.
    assert.equal((await fetch(`${s.gw.url}/fixtures/pid.php`)).status, 200);
  });
});
