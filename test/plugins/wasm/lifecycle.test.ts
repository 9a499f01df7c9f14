// The whole-map host calls and the end of an HTTP context, on a real gateway: the serialized
// request header map as the ABI lays it out (read here by a parser of the test's own), a map
// replaced whole, and proxy_on_log / proxy_on_delete running after each response, seen through
// the gauge, histogram and counter the module defines in /metrics.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../../helpers/http-request.js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { until } from '../../helpers/until.js';
import { buildWasmModules, type BuiltModules } from './wasm-modules.js';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.js';

let modules: BuiltModules;
let upstream: EchoUpstream;
let gw: TestGateway;
let admin: number;

before(async () => {
  modules = await buildWasmModules();
  upstream = await startEchoUpstream();
  gw = await startTestGateway(`
listen: 127.0.0.1:0
admin: { listen: 127.0.0.1:0 }
upstreams:
  svc: { type: http, endpoints: [${upstream.url}] }
middleware:
  lc: { type: wasm, module: ${modules.path('lifecycle')} }
routes:
  - get: /lc
    to: svc
    middleware: [lc]
`);
  admin = (gw.running.admin?.address() as AddressInfo).port;
});

after(async () => {
  await gw?.stop();
  await upstream?.close();
  await modules?.remove();
});

/** spec v0.2.1 "Serialization": u32 count, u32 key and value lengths, then key\0value\0 each. */
function readMap(bytes: Buffer): string[] {
  const count = bytes.readUInt32LE(0);
  const out: string[] = [];
  let at = 4 + count * 8;
  for (let i = 0; i < count * 2; i++) {
    const len = bytes.readUInt32LE(4 + i * 4);
    out.push(bytes.toString('utf8', at, at + len));
    assert.equal(bytes[at + len], 0, 'each key and value ends with NUL');
    at += len + 1;
  }
  assert.equal(at, bytes.length);
  return out;
}

test('proxy_get_header_map_pairs: pseudo-headers first, then the fields, serialized as the ABI says', async () => {
  const res = await httpRequest(gw.port, '/lc?a=1', { headers: { 'x-dump': '1', 'X-Other': 'two' } });
  assert.equal(res.status, 200);
  const pairs = readMap(res.body);
  assert.deepEqual(pairs.slice(0, 8), [':method', 'GET', ':path', '/lc?a=1', ':authority', `127.0.0.1:${gw.port}`, ':scheme', 'http']);
  const rest = pairs.slice(8);
  assert.equal(rest[rest.indexOf('x-dump') + 1], '1');
  assert.equal(rest[rest.indexOf('x-other') + 1], 'two');
  assert.ok(!rest.includes('host'), 'Host is :authority');
});

test('proxy_set_header_map_pairs replaces the request headers whole; :authority becomes Host', async () => {
  const res = await httpRequest(gw.port, '/lc', { headers: { 'x-other': 'two' } });
  const headers = res.json<{ headers: Record<string, string> }>().headers;
  assert.equal(headers['x-only'], 'this');
  assert.equal(headers['x-other'], undefined);
  assert.equal(headers['host'], 'pairs.test');
});

test('proxy_on_log and proxy_on_delete run after each response; gauge, histogram and counter in /metrics', async () => {
  const metric = (text: string, name: string) => Number(new RegExp(`^${name}\\{plugin="lc"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const scrape = async () => (await httpRequest(admin, '/metrics')).text;
  const before = await scrape();
  for (let i = 0; i < 3; i++) await httpRequest(gw.port, '/lc');
  let text = '';
  const done = await until(async () => {
    text = await scrape();
    return metric(text, 'switchyard_wasm_deleted') >= metric(before, 'switchyard_wasm_deleted') + 3;
  });
  assert.ok(done, 'proxy_on_delete ran for each request');
  assert.equal(metric(text, 'switchyard_wasm_last_seen'), 42);
  assert.match(text, /# TYPE switchyard_wasm_log_values histogram/);
  assert.ok(metric(text, 'switchyard_wasm_log_values_count') >= metric(before, 'switchyard_wasm_log_values_count') + 3);
  assert.ok(metric(text, 'switchyard_wasm_log_values_sum') >= metric(before, 'switchyard_wasm_log_values_sum') + 21);
});
