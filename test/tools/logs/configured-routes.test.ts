// Switchyard's own access log names the configured route each request matched. Before a
// migration that is the legacy catch-all `/{path?}` for nearly everything, so route patterns come
// from the path (as for nginx logs) and the configured route is a column of its own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway } from '../../helpers/start-gateway.js';
import { buildReport } from '../../../src/tools/logs/report/build-report.js';
import { planJobs, type Input } from '../../../src/tools/logs/scan/plan.js';
import { runPool } from '../../../src/tools/logs/scan/run-pool.js';
import { reportOf, runLogs } from './cli-harness.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-configured-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a log written by a real gateway', () => {
  let service: Server;
  /** Legacy paths went through the catch-all `/{path?}`, users through `user.show`. */
  let gatewayLog: string;

  before(async () => {
    service = createServer((req, res) => res.writeHead(req.url?.startsWith('/cart') === true ? 503 : 200).end('ok'));
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    const upstream = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    const gwDir = await mkdtemp(join(dir, 'gateway-'));
    const gw = await startTestGateway(
      `
listen: 127.0.0.1:0
accessLog: ./access.log
upstreams:
  legacy: { type: http, endpoints: [${upstream}] }
  users: { type: http, endpoints: [${upstream}] }
routes:
  - get: /user/{id}
    where: { id: '\\d+' }
    to: users
    name: user.show
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
`,
      { dir: gwDir },
    );
    try {
      for (let id = 1; id <= 25; id++) assert.equal((await fetch(`${gw.url}/order/${id}?view=full`)).status, 200);
      for (let i = 0; i < 4; i++) assert.equal((await fetch(`${gw.url}/cart/checkout`, { method: 'POST', body: 'x' })).status, 503);
      for (let id = 1; id <= 3; id++) assert.equal((await fetch(`${gw.url}/user/${id}`)).status, 200);
    } finally {
      await gw.stop(); // flushes the access log
    }
    gatewayLog = join(gwDir, 'access.log');
  });
  after(async () => {
    await new Promise((r) => service.close(r));
  });

  test('route patterns come from the path, not from the catch-all route every legacy request matched', async () => {
    const r = await reportOf([gatewayLog]);
    assert.equal(r.summary.requests, 32);
    const routes = new Map<string, any>(r.routeDetails.map((x: any) => [x.key, x]));
    assert.deepEqual([...routes.keys()].sort(), ['/cart/checkout', '/order/{id}', '/user/{id}']);
    assert.deepEqual(routes.get('/order/{id}').configuredRoutes, [{ route: '/{path?}', requests: 25 }]);
    assert.deepEqual(routes.get('/cart/checkout').configuredRoutes, [{ route: '/{path?}', requests: 4 }]);
    assert.deepEqual(routes.get('/user/{id}').configuredRoutes, [{ route: 'user.show', requests: 3 }]);
    assert.equal(routes.get('/cart/checkout').errors, 4);
    const ranked = new Map<string, any>(r.ranking.map((x: any) => [x.key, x]));
    assert.deepEqual(ranked.get('/order/{id}').configuredRoutes, [{ route: '/{path?}', requests: 25 }]);
    assert.deepEqual(ranked.get('/user/{id}').configuredRoutes, [{ route: 'user.show', requests: 3 }]);
  });

  test('the table, CSV and HTML reports give the configured route its own column', async () => {
    const table = await runLogs([gatewayLog]);
    assert.equal(table.code, 0, table.stderr);
    const section = (title: string): string => table.stdout.slice(table.stdout.indexOf(title)).split('\n\n')[0] as string;
    for (const title of ['Top route patterns', 'Migration ranking']) {
      assert.match(section(title), /^ {2}route +configured route +(requests|score) /m, title);
      assert.match(section(title), /^ {2}\/order\/\{id\} +\/\{path\?\} +\S/m, title);
      assert.match(section(title), /^ {2}\/user\/\{id\} +user\.show +\S/m, title);
    }

    const csv = (await runLogs([gatewayLog, '--output', 'csv'])).stdout.trimEnd().split('\r\n');
    assert.match(csv[0] as string, /,configured_route$/);
    assert.ok(csv.some((row) => /^route,\/order\/\{id\},25,.*,\/\{path\?\}$/.test(row)), 'route row');
    assert.ok(csv.some((row) => /^ranking,\/user\/\{id\},3,.*,user\.show$/.test(row)), 'ranking row');

    const html = (await runLogs([gatewayLog, '--output', 'html'])).stdout;
    assert.equal((html.match(/<th>configured route<\/th>/g) ?? []).length, 2, 'ranking and route-pattern tables');
    assert.match(html, /<td class="key">\/order\/\{id\}<\/td><td>\/\{path\?\}<\/td>/);
  });
});

test('logs that do not name a configured route get no such column', async () => {
  const file = join(dir, 'nginx.log');
  await writeFile(file, '127.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /order/1 HTTP/1.1" 200 1 "-" "-"\n');
  const run = await runLogs([file]);
  assert.doesNotMatch(run.stdout, /configured route/);
  assert.deepEqual((await reportOf([file])).routeDetails[0].configuredRoutes, []);
});

// A route moved to a new service part of the way (a canary): one pattern, two configured routes.
function line(path: string, route: string | null, status = 200): string {
  return JSON.stringify({ log: 'access', time: '2026-11-23T20:41:09.123Z', remote: '10.0.0.1', method: 'GET', path, status, bytes: 10, duration: 0.01, route });
}

test('a pattern served by several configured routes lists them by requests, with their shares in the table', async () => {
  const file = join(dir, 'canary.log');
  const lines = [
    ...Array.from({ length: 6 }, (_, i) => line(`/user/${i}`, '/{path?}')),
    ...Array.from({ length: 2 }, (_, i) => line(`/user/${i}`, 'user.show')),
    line('/user/9', null, 404), // matched no route: counted in the pattern, in no configured route
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  const r = await reportOf([file]);
  assert.deepEqual(r.routeDetails[0].configuredRoutes, [{ route: '/{path?}', requests: 6 }, { route: 'user.show', requests: 2 }]);
  assert.equal(r.routeDetails[0].requests, 9);
  const table = (await runLogs([file])).stdout;
  assert.match(table, /^ {2}\/user\/\{id\} +\/\{path\?\} 66\.7%, user\.show 22\.2% +9 /m);
});

test('configured routes add up when slugs collapse into {param} and when worker threads merge', async () => {
  const file = join(dir, 'slugs.log');
  // 30 slugs make /blog/{param}; every other one already served by the new route.
  const text = Array.from({ length: 3000 }, (_, i) => line(`/blog/post-${i % 30}-notes`, i % 2 === 0 ? '/{path?}' : 'blog.show')).join('\n') + '\n';
  await writeFile(file, text);
  const input: Input = { name: 'slugs.log', path: file, gzip: false, size: (await stat(file)).size, spec: { kind: 'json' } };
  const options = { top: 10, bucketSeconds: 60, collapseThreshold: 20, maxSamples: 5 };
  for (const [workers, threads] of [[1, 1], [40, 2]] as const) {
    const jobs = planJobs([input], workers, 1);
    const pool = await runPool(jobs, threads, { maxSamples: 5, filter: undefined, maxKeys: Infinity }, () => {});
    const report = buildReport(pool.stats, { names: ['slugs.log'], formats: ['json'], lines: pool.lines }, options);
    assert.deepEqual(
      report.routes.map((x) => [x.key, x.configuredRoutes]),
      [['/blog/{param}', [{ route: '/{path?}', requests: 1500 }, { route: 'blog.show', requests: 1500 }]]],
      `${jobs.length} ranges on ${threads} threads`,
    );
  }
});
