// The kernel sensor for real: root, bpftrace on kernel tracepoints, php-fpm behind a real gateway.
// A PHP script that starts /bin/sh is reported at /admin/sense with the id of its request, and
// connections to an http upstream show up as tcp-state events on its port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cannotSense, listed, startSenseSetup, type SenseSetup } from './sensor-setup.js';

describe('switchyard sense, reporting', { skip: cannotSense() }, () => {
  let s: SenseSetup;
  before(async () => {
    s = await startSenseSetup({ kill: false });
  });
  after(async () => {
    await s?.stop();
  });

  test('a php-fpm worker running /bin/sh is reported with its pid, the command and the request it served', async () => {
    const res = await fetch(`${s.gw.url}/fixtures/shell.php?case=report`, { headers: { 'x-request-id': 'sense-report-1' } });
    assert.equal(res.status, 200);
    const workerPid = Number(await res.text());
    const seen = await s.event((e) => e.kind === 'exec' && e.pid === workerPid);
    assert.equal(seen.requestId, 'sense-report-1');
    assert.match(seen.command ?? '', /\/bin\/sh -c true/);
    assert.match(seen.comm, /^php-fpm/);
    const [event] = (await listed(s.admin)).filter((e) => e.kind === 'exec' && e.pid === workerPid);
    assert.deepEqual(event, seen);
    assert.deepEqual(Object.keys(event ?? {}).sort(), ['address', 'child', 'comm', 'command', 'from', 'kind', 'pid', 'port', 'requestId', 'time', 'to']);
    // Reported only: the worker lives on and serves the next request.
    const again = await fetch(`${s.gw.url}/fixtures/pid.php`);
    assert.equal(again.status, 200);
  });

  test('a connection the gateway opens to an http upstream is seen as tcp-state events on its port', async () => {
    const res = await fetch(`${s.gw.url}/service`);
    assert.equal(await res.text(), 'service');
    const established = await s.event((e) => e.kind === 'tcp-state' && e.port === s.servicePort && e.from === 'SYN_SENT' && e.to === 'ESTABLISHED');
    assert.equal(established.address, '127.0.0.1');
    assert.equal(established.requestId, null);
    const events = await listed(s.admin);
    assert.ok(events.some((e) => e.kind === 'tcp-state' && e.port === s.servicePort && e.from === 'CLOSE' && e.to === 'SYN_SENT'));
    // Only the gateway's side of the connection: the service's own socket (sport = the port) is not watched.
    assert.ok(events.every((e) => e.kind !== 'tcp-state' || e.port === s.servicePort));
  });

  test('events can be listed only with the admin token', async () => {
    assert.equal((await fetch(`${s.admin}/admin/sense`)).status, 401);
  });
});
