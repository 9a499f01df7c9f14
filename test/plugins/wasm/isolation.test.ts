// A filter that traps, one stuck in a loop, and one growing past its memory cap, on a real
// gateway: the request that hit the failure is answered with a problem, the next one is served
// by a fresh instance, and requests elsewhere (and queued behind the stuck one) are served.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequest, type HttpResult } from '../../helpers/http-request.js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { buildWasmModules, type BuiltModules } from './wasm-modules.js';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.js';

let modules: BuiltModules;
let upstream: EchoUpstream;
let gw: TestGateway;

before(async () => {
  modules = await buildWasmModules();
  upstream = await startEchoUpstream();
  gw = await startTestGateway(`
listen: 127.0.0.1:0
upstreams:
  svc: { type: http, endpoints: [${upstream.url}] }
middleware:
  trap: { type: wasm, module: ${modules.path('trap')} }
  loop: { type: wasm, module: ${modules.path('loop')}, callTimeout: 1s }
  small: { type: wasm, module: ${modules.path('grow')}, maxMemory: 1mb }
  big: { type: wasm, module: ${modules.path('grow')} }
  trapResponse: { type: wasm, module: ${modules.path('trap-response')} }
routes:
  - get: /trap-response
    to: svc
    middleware: [trapResponse]
  - get: /trap
    to: svc
    middleware: [trap]
  - get: /loop
    to: svc
    middleware: [loop]
  - get: /plain
    to: svc
  - get: /grow-small
    to: svc
    middleware: [small]
  - get: /grow-big
    to: svc
    middleware: [big]
`);
});

after(async () => {
  await gw?.stop();
  await upstream?.close();
  await modules?.remove();
});

test('a trap answers that request with SY_ERR_WASM_TRAP; the next request runs on a fresh instance', async () => {
  const failed = await httpRequest(gw.port, '/trap', { headers: { 'x-trap': '1' } });
  assert.equal(failed.status, 500);
  assert.equal(failed.headers['content-type'], 'application/problem+json');
  assert.equal(failed.json()['code'], 'SY_ERR_WASM_TRAP');
  assert.match(String(failed.json()['detail']), /unreachable/);
  const next = await httpRequest(gw.port, '/trap');
  assert.equal(next.status, 200);
  assert.equal(next.json<{ url: string }>().url, '/trap');
  assert.ok(gw.logs().some((l) => l['msg'] === 'wasm filter trapped; its instance was replaced' && l['plugin'] === 'trap'));
});

test("a trap in a response callback answers with the problem instead of the upstream's response", async () => {
  const failed = await httpRequest(gw.port, '/trap-response');
  assert.equal(failed.status, 500);
  assert.equal(failed.json()['code'], 'SY_ERR_WASM_TRAP');
  assert.equal((await httpRequest(gw.port, '/plain')).status, 200);
});

test('a filter stuck in a loop is stopped at its budget while the gateway keeps serving', async () => {
  const order: string[] = [];
  const note = (name: string) => (res: HttpResult) => {
    order.push(name);
    return res;
  };
  const stuck = httpRequest(gw.port, '/loop', { headers: { 'x-loop': '1' } }).then(note('stuck'));
  // Behind the stuck callback on the same plugin: sent to the fresh thread once it is replaced.
  const queued = httpRequest(gw.port, '/loop').then(note('queued'));
  const elsewhere = await Promise.all(Array.from({ length: 5 }, () => httpRequest(gw.port, '/plain').then(note('plain'))));
  for (const res of elsewhere) assert.equal(res.status, 200);
  assert.deepEqual(order.slice(0, 5), ['plain', 'plain', 'plain', 'plain', 'plain'], 'other routes are not held by the stuck filter');
  const timedOut = await stuck;
  assert.equal(timedOut.status, 500);
  assert.equal(timedOut.json()['code'], 'SY_ERR_WASM_TIMEOUT');
  assert.equal((await queued).status, 200);
  assert.equal((await httpRequest(gw.port, '/loop')).status, 200);
});

test('maxMemory: a grow past the cap fails inside the module; under a larger cap it succeeds', async () => {
  assert.equal((await httpRequest(gw.port, '/grow-small')).text, 'refused');
  assert.equal((await httpRequest(gw.port, '/grow-big')).text, 'grown');
});
