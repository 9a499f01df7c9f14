/**
 * /metrics, /admin/heatmap and /admin/correlation on a real gateway in front of a real HTTP
 * service: the series a user scrapes, the heatmap of a route, and the correlation verdicts for
 * a gateway stall (a subscriber that blocks the event loop) and a slow upstream.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { freePort } from '../helpers/free-port.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('telemetry endpoints', () => {
  let service: Server;
  let gw: TestGateway;
  let port: number;
  let admin: number;
  // Blocks the event loop for requests to /stall, before routing: a gateway pause.
  const stall = (message: unknown) => {
    const { exchange } = message as { exchange: { path: string } };
    if (exchange.path === '/api/stall') busyWait(150);
  };

  before(async () => {
    service = createServer((req, res) => {
      const delay = req.url?.startsWith('/api/slow') ? 300 : 0;
      setTimeout(() => res.writeHead(req.url?.startsWith('/api/fail') ? 503 : 200, { 'content-type': 'text/plain' }).end('ok'), delay);
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const servicePort = (service.address() as AddressInfo).port;
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:${servicePort}] }
routes:
  - get: /api/{what}
    to: svc
    name: api.show
telemetry:
  # Every trace sampled, so durations carry exemplars; nothing listens there (spans are dropped).
  tracing: { otlp: http://127.0.0.1:${await freePort()}/v1/traces, sampleRatio: 1 }
`);
    port = Number(new URL(gw.url).port);
    admin = (gw.running.admin?.address() as AddressInfo).port;
    subscribe('switchyard:request:start', stall);
  });

  after(async () => {
    unsubscribe('switchyard:request:start', stall);
    await gw.stop();
    await new Promise<void>((resolve) => service.close(() => resolve()));
  });

  it('exposes request counters, duration histograms and runtime histograms by the names of SPEC section 10', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await httpRequest(port, '/api/ok')).status, 200);
    assert.equal((await httpRequest(port, '/api/fail')).status, 503);
    assert.equal((await httpRequest(port, '/nowhere')).status, 404);
    const res = await httpRequest(admin, '/metrics');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.text, /^switchyard_requests_total\{route="api\.show",upstream="svc",status_class="2xx"\} 5$/m);
    assert.match(res.text, /^switchyard_requests_total\{route="api\.show",upstream="svc",status_class="5xx"\} 1$/m);
    assert.match(res.text, /^switchyard_requests_total\{route="\(unmatched\)",upstream="",status_class="4xx"\} 1$/m);
    assert.match(res.text, /^switchyard_request_duration_seconds_bucket\{le="\+Inf",route="api\.show",upstream="svc",status_class="2xx"\} 5$/m);
    assert.match(res.text, /^switchyard_upstream_attempts_total\{upstream="svc",outcome="ok"\} 5$/m);
    assert.match(res.text, /^# TYPE switchyard_runtime_event_loop_delay_seconds histogram$/m);
    assert.match(res.text, /^# TYPE switchyard_runtime_gc_pause_seconds histogram$/m);
    assert.match(res.text, /^switchyard_upstream_ejected_endpoints\{upstream="svc"\} 0$/m);
    assert.match(res.text, /^switchyard_upstream_endpoints\{upstream="svc",state="healthy"\} 1$/m);
    assert.match(res.text, /^switchyard_upstream_connections\{upstream="svc",type="http",state="idle"\} [1-9]\d*$/m, 'the kept-alive connection to the service');
  });

  it('serves OpenMetrics to a scraper that asks for it', async () => {
    const res = await httpRequest(admin, '/metrics', { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
    assert.match(String(res.headers['content-type']), /^application\/openmetrics-text/);
    assert.match(res.text, /# EOF\n$/);
    assert.match(res.text, /^switchyard_request_duration_seconds_bucket\{le="[^"]+",route="api\.show",upstream="svc",status_class="2xx"\} \d+ # \{trace_id="[0-9a-f]{32}"\} [\d.e-]+ [\d.]+$/m, 'a trace-id exemplar');
    // And the classic format afterwards still names counters with _total.
    assert.match((await httpRequest(admin, '/metrics')).text, /^# TYPE switchyard_requests_total counter$/m);
  });

  it('returns a route heatmap whose counts add up to the requests sent', async () => {
    for (let i = 0; i < 7; i++) await httpRequest(port, '/api/heat');
    const index = (await httpRequest(admin, '/admin/heatmap')).json<{ routes: string[]; upstreams: string[] }>();
    assert.ok(index.routes.includes('api.show'));
    assert.deepEqual(index.upstreams, ['svc']);
    const res = await httpRequest(admin, '/admin/heatmap?route=api.show&from=-1m');
    assert.equal(res.status, 200);
    const body = res.json<{ buckets: [number, number][]; slices: { count: number; cells: [number, number][] }[] }>();
    const total = body.slices.reduce((n, s) => n + s.count, 0);
    const cells = body.slices.reduce((n, s) => n + s.cells.reduce((m, [, c]) => m + c, 0), 0);
    assert.ok(total >= 13, `expected at least 13 requests in the heatmap, saw ${total}`);
    assert.equal(cells, total);
    for (const [low, high] of body.buckets) assert.ok(high > low);
  });

  it('answers a bad heatmap range with a 400 problem naming the parameter', async () => {
    for (const query of ['route=api.show&from=yesterday', 'route=api.show&from=now&to=-5m', 'route=api.show&to=-x']) {
      const res = await httpRequest(admin, `/admin/heatmap?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      const problem = res.json<{ code: string; detail: string }>();
      assert.equal(problem.code, 'SY_ERR_ADMIN_BAD_QUERY');
      assert.match(problem.detail, /^(from|to):|must be before/);
    }
    const unknown = await httpRequest(admin, '/admin/heatmap?route=nope');
    assert.equal(unknown.status, 400);
    assert.match(unknown.json<{ detail: string }>().detail, /known: .*api\.show/);
    // The gateway still serves.
    assert.equal((await httpRequest(port, '/api/ok')).status, 200);
  });

  it('tells a gateway stall from a slow upstream in the correlation report', async () => {
    assert.equal((await httpRequest(port, '/api/stall')).status, 200);
    assert.equal((await httpRequest(port, '/api/slow')).status, 200);
    const res = await httpRequest(admin, '/admin/correlation?from=-1m&limit=5');
    assert.equal(res.status, 200);
    const report = res.json<{ requests: { path: string; verdict: string; overlapping: { kind: string }[] }[]; summary: Record<string, number> }>();
    const stalled = report.requests.find((r) => r.path === '/api/stall');
    const slow = report.requests.find((r) => r.path === '/api/slow');
    assert.equal(stalled?.verdict, 'gateway-paused');
    assert.ok(stalled.overlapping.some((e) => e.kind === 'event-loop-stall'));
    assert.equal(slow?.verdict, 'upstream-slow');
    assert.equal((await httpRequest(admin, '/admin/correlation?limit=0')).status, 400);
  });
});
