// What a filter does outside its own callbacks, on a real gateway: proxy_http_call to a
// configured upstream while the request is paused, proxy_on_http_call_response continuing it (or
// answering it), proxy_on_tick on the period the module set, and shared data with
// compare-and-swap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../../helpers/http-request.js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { until } from '../../helpers/until.js';
import { buildWasmModules, type BuiltModules } from './wasm-modules.js';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.js';

let modules: BuiltModules;
let upstream: EchoUpstream;
let auth: Server;
let allow = true;
let checks = 0;
let gw: TestGateway;

before(async () => {
  modules = await buildWasmModules();
  upstream = await startEchoUpstream();
  auth = createServer((req, res) => {
    checks++;
    assert.equal(req.url, '/check');
    if (allow) res.end('granted');
    else res.writeHead(403).end('no');
  });
  await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway(`
listen: 127.0.0.1:0
upstreams:
  svc: { type: http, endpoints: [${upstream.url}] }
middleware:
  call: { type: wasm, module: ${modules.path('call-out')}, upstreams: { auth: 'http://127.0.0.1:${(auth.address() as AddressInfo).port}' } }
routes:
  - get: /guarded
    to: svc
    middleware: [call]
`);
});

after(async () => {
  await gw?.stop();
  await upstream?.close();
  await new Promise((resolve) => auth?.close(resolve));
  await modules?.remove();
});

test('a paused request goes on when the HTTP call it made answers 200, with what the call returned', async () => {
  allow = true;
  const before = checks;
  const res = await httpRequest(gw.port, '/guarded');
  assert.equal(res.status, 200);
  assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-auth'], 'granted');
  assert.equal(checks, before + 1);
});

test('when the call answers otherwise, the filter answers the paused request itself', async () => {
  allow = false;
  const res = await httpRequest(gw.port, '/guarded');
  assert.equal(res.status, 403);
  assert.equal(res.text, 'denied by auth');
  allow = true;
});

test('ticks run on the period the module set; shared data is written and a stale compare-and-swap refused', async () => {
  let headers: Record<string, string> = {};
  const seen = await until(async () => {
    headers = (await httpRequest(gw.port, '/guarded')).json<{ headers: Record<string, string> }>().headers;
    return headers['x-ticked'] !== undefined && headers['x-cas'] !== undefined;
  });
  assert.ok(seen, 'a tick ran');
  assert.equal(headers['x-ticked'], 'yes');
  assert.equal(headers['x-cas'], 'mismatch-refused');
});
