/**
 * `serve --workers 2` as a separate process: two workers answer on one shared port, the admin
 * listener in the primary lists every worker's upstream view, a worker killed is replaced, and
 * SIGTERM stops everything with exit 0.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';
import { until } from '../helpers/until.js';
import type { UpstreamView } from '../../src/cluster/upstream-view.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

let service: Server;
let child: ChildProcess;
let dir: string;
let url: string;
let admin: string;
const logs: Record<string, unknown>[] = [];

before(async () => {
  service = createServer((req, res) => {
    if (req.url?.includes('slow') === true) setTimeout(() => res.end('svc /a'), 100);
    else res.end(`svc ${req.url}`);
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  const svc = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'sy-workers-'));
  const adminPort = await freePort();
  admin = `http://127.0.0.1:${adminPort}`;
  await writeFile(join(dir, 'switchyard.yaml'), `listen: 127.0.0.1:0\naccessLog: off\nadmin: { listen: 127.0.0.1:${adminPort} }\nupstreams:\n  svc: { type: http, endpoints: [${svc}] }\nroutes:\n  - get: /a\n    to: svc\n`);
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  lines.on('line', (l) => logs.push(JSON.parse(l) as Record<string, unknown>));
  assert.ok(await until(() => logs.some((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2), 60_000), 'the primary reports both workers listening');
  url = ((logs.find((l) => l['msg'] === 'switchyard listening')?.['listen'] as string[]) ?? [])[0] as string;
});

after(async () => {
  child.kill('SIGKILL');
  await new Promise((r) => service.close(r));
  await rm(dir, { recursive: true, force: true });
});

/** The route /a's request count in a Prometheus exposition, summed over status classes. */
const requestsToA = (text: string) => [...text.matchAll(/^switchyard_requests_total\{[^}]*route="\/a"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);

const views = async () => ((await (await fetch(`${admin}/admin/upstreams`)).json()) as { upstreams: UpstreamView[] }).upstreams;

it('serves from two workers and the admin lists both workers’ views', async () => {
  for (let i = 0; i < 10; i++) assert.equal(await (await fetch(`${url}/a`)).text(), 'svc /a');
  const workers = new Set((await views()).map((v) => v.worker));
  assert.equal(workers.size, 2);
  for (const pid of workers) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    assert.ok(argv.includes('--max-semi-space-size=64'), `worker ${pid} runs with a 64 MB young generation: ${argv.join(' ')}`);
  }
  const forwarded = await fetch(`${admin}/admin/heatmap?route=/a`);
  assert.equal(forwarded.status, 200, 'endpoints the primary does not gather are forwarded to a worker');
});

it('merges every worker’s metrics into one /metrics', async () => {
  // New connections until the kernel has handed some to each worker.
  const served = async () => (await views()).map((v) => v.connections.reduce((n, c) => n + c.requests, 0));
  let sent = 10;
  for (let i = 0; i < 200 && (await served()).some((n) => n === 0); i++) {
    assert.equal(await (await fetch(`${url}/a`, { headers: { connection: 'close' } })).text(), 'svc /a');
    sent++;
  }
  const perWorker = await served();
  assert.ok(perWorker.every((n) => n > 0), `both workers served requests: ${perWorker.join(', ')}`);
  const res = await fetch(`${admin}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const counted = requestsToA(text);
  assert.equal(counted, sent, 'the request counter is the sum over both workers');
  assert.match(text, /^switchyard_upstream_endpoints\{upstream="svc",state="healthy"\} 1$/m, 'state every worker sees is not counted twice');

  // The heatmap (what the dashboard draws) counts every worker's requests too.
  const heatmapCount = async () => {
    const map = (await (await fetch(`${admin}/admin/heatmap?route=/a`)).json()) as { slices: { count: number; cells: [number, number][] }[] };
    assert.ok(map.slices.every((s) => s.count === s.cells.reduce((n, [, c]) => n + c, 0)), 'each merged slice counts its cells');
    return map.slices.reduce((n, s) => n + s.count, 0);
  };
  assert.ok(await until(async () => (await heatmapCount()) === sent), `the heatmap counts ${sent} requests from both workers`);
  const index = (await (await fetch(`${admin}/admin/heatmap`)).json()) as { routes: string[] };
  assert.deepEqual(index.routes, ['/a']);
});

it('merges every worker’s slowest requests into one correlation report', async () => {
  // Slow requests on new connections, noting which worker served each, until both served one.
  const servedBy = new Map<number, string[]>();
  const served = async () => new Map((await views()).map((v) => [v.worker as number, v.connections.reduce((n, c) => n + c.requests, 0)]));
  for (let i = 0; i < 100 && servedBy.size < 2; i++) {
    const before = await served();
    const res = await fetch(`${url}/a?slow=${i}`, { headers: { connection: 'close' } });
    await res.text();
    const after = await served();
    const worker = [...after].find(([pid, n]) => n > (before.get(pid) ?? 0))?.[0] as number;
    servedBy.set(worker, [...(servedBy.get(worker) ?? []), res.headers.get('x-request-id') as string]);
  }
  assert.equal(servedBy.size, 2, 'both workers served a slow request');
  const report = (await (await fetch(`${admin}/admin/correlation?limit=500`)).json()) as { requests: { requestId: string; durationMs: number }[]; summary: Record<string, number> };
  const ids = new Set(report.requests.map((r) => r.requestId));
  for (const [pid, requestIds] of servedBy) assert.ok(requestIds.some((id) => ids.has(id)), `worker ${pid}'s slow requests are in the report: ${JSON.stringify([...servedBy])} ${JSON.stringify(report.requests.map((r) => [r.requestId, r.durationMs]))}`);
  assert.deepEqual([...report.requests].sort((a, b) => b.durationMs - a.durationMs), report.requests, 'slowest first');
  assert.equal(Object.values(report.summary).reduce((a, b) => a + b, 0), report.requests.length);
});

it('adds up every worker’s numbers in the dashboard’s tables', async () => {
  const counted = async () => requestsToA(await (await fetch(`${admin}/metrics`)).text());
  type State = { routes: { route: string; requests: number; lastMinute: { count: number; p99: number } }[]; upstreams: { name: string; endpoints: { healthy: boolean }[] }[] };
  const row = async () => ((await (await fetch(`${admin}/dashboard/state`)).json()) as State).routes.find((r) => r.route === '/a');
  const total = await counted();
  assert.ok(await until(async () => (await row())?.requests === total && (await row())?.lastMinute.count === total), `the /a row counts all ${total} requests`);
  assert.ok(((await row())?.lastMinute.p99 ?? 0) >= 100, 'the slow requests of either worker set the p99');
  const state = (await (await fetch(`${admin}/dashboard/state`)).json()) as State;
  assert.deepEqual(state.upstreams.map((u) => [u.name, u.endpoints.length]), [['svc', 1]], 'one row per upstream and endpoint, not one per worker');
});

it('replaces a worker that dies', async () => {
  const before = (await views()).map((v) => v.worker as number);
  process.kill(before[0] as number, 'SIGKILL');
  assert.ok(await until(() => logs.some((l) => l['msg'] === 'worker died, starting another')));
  assert.ok(await until(async () => {
    const now = (await views()).map((v) => v.worker);
    return now.length === 2 && !now.includes(before[0]);
  }, 20_000));
  assert.equal(await (await fetch(`${url}/a`)).text(), 'svc /a');
});

it('reloads every worker from the admin API, and refuses a bad config with its problems', async () => {
  const file = join(dir, 'switchyard.yaml');
  const good = (await readFile(file, 'utf8')).replace('routes:\n', 'routes:\n  - get: /b\n    to: svc\n');
  await writeFile(file, good.replace('to: svc\n  - get: /a', 'to: ghost\n  - get: /a'));
  const bad = await fetch(`${admin}/admin/reload`, { method: 'POST' });
  assert.equal(bad.status, 422);
  assert.match(((await bad.json()) as { detail: string }).detail, /unknown upstream 'ghost'/);
  await writeFile(file, good);
  const ok = await fetch(`${admin}/admin/reload`, { method: 'POST' });
  assert.equal(ok.status, 200);
  // Every worker took the new route: new connections land on either worker.
  for (let i = 0; i < 10; i++) assert.equal(await (await fetch(`${url}/b`, { headers: { connection: 'close' } })).text(), 'svc /b');
});

it('stops every worker on SIGTERM and exits 0', async () => {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(logs.some((l) => l['msg'] === 'switchyard stopped'));
});
