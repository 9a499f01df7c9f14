// The example proxy-wasm filters (examples/wasm, built from WAT here) in front of a real upstream,
// as a client sees them: the API-key check's 401, the A/B group the upstream receives and its
// counters in /metrics, the response rewriter's body and length; plus what a filter reads of the
// host (properties, configuration) and a module built against ABI 0.2.0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../../helpers/http-request.js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { buildWasmModules, type BuiltModules } from './wasm-modules.js';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.js';

let modules: BuiltModules;
let upstream: EchoUpstream;
let gw: TestGateway;
let admin: number;

/** The example's hash: 32-bit FNV-1a of the id, modulo 100, below 50 is "a". */
function group(id: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(id)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % 100 < 50 ? 'a' : 'b';
}

before(async () => {
  modules = await buildWasmModules();
  upstream = await startEchoUpstream();
  gw = await startTestGateway(`
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0 }
upstreams:
  svc: { type: http, endpoints: [${upstream.url}] }
middleware:
  key: { type: wasm, module: ${modules.path('api-key')}, config: s3cret-key }
  ab: { type: wasm, module: ${modules.path('ab-assign')}, rootId: ab_root }
  upper: { type: wasm, module: ${modules.path('body-rewrite')} }
  props: { type: wasm, module: ${modules.path('props')}, rootId: props_root, config: { mode: block } }
  old: { type: wasm, module: ${modules.path('abi-0-2-0')} }
  requpper: { type: wasm, module: ${modules.path('request-upper')} }
routes:
  - post: /upper
    to: svc
    middleware: [requpper]
  - get: /key/{rest}
    to: svc
    middleware: [key]
  - get: /ab/{rest}
    to: svc
    middleware: [ab]
  - get: /text/{rest}
    to: svc
    middleware: [upper]
  - get: /props/{rest}
    to: svc
    middleware: [props]
  - get: /old/{rest}
    to: svc
    middleware: [old]
`);
  admin = (gw.running.admin?.address() as AddressInfo).port;
});

after(async () => {
  await gw?.stop();
  await upstream?.close();
  await modules?.remove();
});

describe('api-key example', () => {
  test('a request without the key is answered 401 by the filter, never reaching the upstream', async () => {
    const res = await httpRequest(gw.port, '/key/a');
    assert.equal(res.status, 401);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.json(), { error: 'missing or invalid api key' });
  });

  test('a wrong key is refused; the configured key passes to the upstream', async () => {
    assert.equal((await httpRequest(gw.port, '/key/a', { headers: { 'x-api-key': 's3cret-kez' } })).status, 401);
    const ok = await httpRequest(gw.port, '/key/a', { headers: { 'x-api-key': 's3cret-key' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.json<{ url: string }>().url, '/key/a');
  });

  test("the filter's log line reaches the gateway's log with the request id", async () => {
    const res = await httpRequest(gw.port, '/key/logged');
    const line = gw.logs().find((l) => l['msg'] === 'api-key: request rejected' && l['reqId'] === res.headers['x-request-id']);
    assert.ok(line, 'the module logged through proxy_log');
    assert.equal(line['plugin'], 'key');
  });
});

describe('A/B example', () => {
  test('the upstream gets the group the hash of X-User-Id gives, replacing one the client sent', async () => {
    const ids = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const seen = new Set<string>();
    for (const id of ids) {
      const res = await httpRequest(gw.port, '/ab/x', { headers: { 'x-user-id': id, 'x-ab-group': 'forged' } });
      const got = res.json<{ headers: Record<string, string> }>().headers['x-ab-group'];
      assert.equal(got, group(id), id);
      seen.add(got as string);
    }
    assert.deepEqual([...seen].sort(), ['a', 'b']);
  });

  test('without X-User-Id no group is assigned and a forged one is removed', async () => {
    const res = await httpRequest(gw.port, '/ab/x', { headers: { 'x-ab-group': 'forged' } });
    assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-ab-group'], undefined);
  });

  test('the counters the module defines are in /metrics by plugin', async () => {
    const before = await httpRequest(admin, '/metrics');
    const count = (text: string, g: string) => Number(new RegExp(`switchyard_wasm_ab_group_${g}\\{plugin="ab"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    await httpRequest(gw.port, '/ab/x', { headers: { 'x-user-id': 'alice' } });
    const afterText = (await httpRequest(admin, '/metrics')).text;
    assert.match(afterText, /# TYPE switchyard_wasm_ab_group_a counter/);
    const g = group('alice');
    assert.equal(count(afterText, g), count(before.text, g) + 1);
  });
});

describe('body rewriter example', () => {
  test('the response body is replaced, with its exact Content-Length, and the head edited', async () => {
    const res = await httpRequest(gw.port, '/text/page');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'HELLO FROM /TEXT/PAGE, SERVED PLAIN');
    assert.equal(res.headers['content-length'], String(res.body.length));
    assert.equal(res.headers['x-rewritten-by'], 'body-rewrite');
    assert.equal(res.headers['content-type'], 'text/plain');
  });

  test('a HEAD request passes with no body callback', async () => {
    const res = await httpRequest(gw.port, '/text/page', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
  });
});

describe('request body', () => {
  test('a chunked body arriving in pieces is held by the filter, rewritten, and sent upstream with its length', async () => {
    const res = await httpRequest(gw.port, '/upper', { method: 'POST', body: 'hello, body in pieces', chunked: 4, headers: { 'content-type': 'text/plain' } });
    const echoed = res.json<{ body: string; headers: Record<string, string> }>();
    assert.equal(echoed.body, 'HELLO, BODY IN PIECES');
    assert.equal(echoed.headers['content-length'], String(echoed.body.length));
    assert.equal(echoed.headers['transfer-encoding'], undefined);
  });
});

describe('what a filter reads of the host', () => {
  test('plugin_root_id, plugin_name, source.address, request.id, request.path and the configuration', async () => {
    const res = await httpRequest(gw.port, '/props/p?q=1', { headers: { 'x-request-id': 'req-123' } });
    const headers = res.json<{ headers: Record<string, string> }>().headers;
    assert.equal(headers['x-root-id'], 'props_root');
    assert.equal(headers['x-plugin'], 'props');
    assert.match(headers['x-source'] as string, /^127\.0\.0\.1:\d+$/);
    assert.equal(headers['x-req'], res.headers['x-request-id']);
    assert.equal(headers['x-path'], '/props/p?q=1');
    assert.equal(headers['x-config'], '{"mode":"block"}');
  });

  test('a module exporting the 0.2.0 marker, importing functions it never calls, loads and runs', async () => {
    const res = await httpRequest(gw.port, '/old/x');
    assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-abi'], '0.2.0');
    const printed = gw.logs().find((l) => l['msg'] === 'printed by fd_write' && l['reqId'] === res.headers['x-request-id']);
    assert.equal(printed?.['level'], 30, 'a stdout line is logged at info');
  });
});
