/**
 * An upstream's `Keep-Alive: timeout=N`: a kept connection is not reused once it has been idle
 * for N seconds less a second (the upstream may be closing it as the request arrives), and the
 * pool's sweep closes it then; without the header, or with a longer timeout, it is reused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startRawBackend, type RawAnswer, type RawBackend } from './raw-backend.js';
import { reuseWindowMs } from '../../../src/upstream/http/keep-alive-hint.js';

const answerWith =
  (keepAlive: string | undefined): RawAnswer =>
  (socket, req) =>
    socket.write(`HTTP/1.1 200 OK\r\n${keepAlive === undefined ? '' : `Keep-Alive: ${keepAlive}\r\n`}content-length: ${String(req.connection).length}\r\n\r\n${req.connection}`);

describe('http upstream: the upstream\'s Keep-Alive timeout', () => {
  let svc: RawBackend;
  let gw: TestGateway;
  const view = () => gw.running.gateway.runtime.upstreams.get('raw')?.describe?.();

  before(async () => {
    svc = await startRawBackend();
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  raw:
    type: http
    endpoints: [${svc.url}]
routes:
  - any: /{p?}
    to: raw
`);
  });
  after(async () => {
    await gw.stop();
    await svc.close();
  });
  /** The connection each of `n` sequential requests went on, as the upstream numbered them. */
  async function connectionsOf(n: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await httpRequest(gw.port, `/r${i}`);
      assert.equal(res.status, 200);
      seen.push(res.text);
    }
    return seen;
  }

  it('reuses a connection the upstream keeps for long, or says nothing about', async () => {
    svc.answer = answerWith('timeout=60, max=1000');
    const hinted = await connectionsOf(3);
    assert.equal(new Set(hinted).size, 1, `one kept connection, got ${hinted.join(' ')}`);
    svc.answer = answerWith(undefined);
    const silent = await connectionsOf(3);
    assert.equal(new Set(silent).size, 1, `one kept connection, got ${silent.join(' ')}`);
  });

  it('does not reuse a connection the upstream closes after 1 s of idle', async () => {
    svc.answer = answerWith('timeout=1');
    // The first may go on the connection the last case kept; its answer says 1 s, so not again.
    const seen = await connectionsOf(3);
    assert.equal(new Set(seen).size, 3, `a new connection each time, got ${seen.join(' ')}`);
    await until(() => view()?.connections.length === 0);
  });

  it('closes an idle connection once the upstream\'s timeout less a second has passed', async () => {
    svc.answer = answerWith('timeout=2');
    await connectionsOf(1);
    assert.equal(view()?.connections.length, 1, 'kept after the response');
    // The upstream never closes it itself: only the hint can (keepAliveTimeout is far longer).
    assert.ok(await until(() => view()?.connections.length === 0, 5_000), 'closed by the sweep after ~1 s');
  });
});

describe('reuseWindowMs', () => {
  it('reads timeout=N from a Keep-Alive field, any case, among other parameters', () => {
    assert.equal(reuseWindowMs(['Content-Length', '0', 'Keep-Alive', 'timeout=5']), 4_000);
    assert.equal(reuseWindowMs(['keep-alive', 'max=100, timeout=15']), 14_000);
    assert.equal(reuseWindowMs(['KEEP-ALIVE', 'Timeout = 3 ; max=2']), 2_000);
    assert.equal(reuseWindowMs(['keep-alive', 'timeout=1']), 0);
  });

  it('is undefined without the field, without a timeout, or with one that is not a number', () => {
    assert.equal(reuseWindowMs(['content-length', '0']), undefined);
    assert.equal(reuseWindowMs(['keep-alive', 'max=100']), undefined);
    assert.equal(reuseWindowMs(['keep-alive', 'timeout=soon']), undefined);
    assert.equal(reuseWindowMs(['keep-alive', 'xtimeout=5']), undefined);
  });
});
