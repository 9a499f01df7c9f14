/**
 * `/metrics` under `serve --workers 2`: each gauge merges across the workers as it is meant to.
 * State every worker sees the same (an endpoint ejected by each worker's outlier detection, the
 * one php-fpm status page every worker reads) must come out once, not once per worker; a
 * worker's own share (its part of maxConnections, its connections) must be added up. The merged
 * exposition is compared with each worker's own, read from the workers' private admin listeners.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { until } from '../helpers/until.js';
import type { UpstreamView } from '../../src/cluster/upstream-view.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../examples/legacy-php/public', import.meta.url));
const CHILDREN = 2;
const MAX_CONNECTIONS = 4;

/**
 * How each gauge must merge, written here independently of the product: a gauge the product
 * adds must be given a row (the first test fails until it is), so its merge is decided once.
 */
const EXPECTED_MERGE: Readonly<Record<string, 'sum' | 'max'>> = {
  switchyard_upstream_connections: 'sum',
  switchyard_upstream_connections_max: 'sum',
  switchyard_upstream_queue_depth: 'sum',
  switchyard_upstream_endpoints: 'max',
  switchyard_upstream_ejected_endpoints: 'max',
  switchyard_fpm_up: 'max',
  switchyard_fpm_scrape_errors: 'sum',
  switchyard_fpm_active_processes: 'max',
  switchyard_fpm_idle_processes: 'max',
  switchyard_fpm_total_processes: 'max',
  switchyard_fpm_listen_queue: 'max',
  switchyard_fpm_max_listen_queue: 'max',
  switchyard_fpm_max_children_reached: 'max',
  switchyard_fpm_slow_requests: 'max',
  switchyard_fpm_accepted_connections: 'max',
};

let fpm: PhpFpm;
let good: Server;
let bad: Server;
let child: ChildProcess;
let dir: string;
let url: string;
let admin: string;
/** Each worker's private admin listener, by worker pid. */
const workerAdmins = new Map<number, string>();
const logs: Record<string, unknown>[] = [];

const serve = async (status: number): Promise<Server> => {
  const server = createServer((_req, res) => res.writeHead(status).end(String(status)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
};
const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

before(async () => {
  [fpm, good, bad] = await Promise.all([startPhpFpm({ root: ROOT, children: CHILDREN, statusPath: '/fpm-status' }), serve(200), serve(500)]);
  dir = await mkdtemp(join(tmpdir(), 'sy-merge-'));
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  legacy: { type: fastcgi, address: 'unix:${fpm.socketPath}', root: '${ROOT}', maxConnections: ${MAX_CONNECTIONS}, status: /fpm-status }
  svc:
    type: http
    endpoints: [${base(good)}, ${base(bad)}]
    outlierDetection: { consecutive5xx: 1, baseEjectionTime: 1h, maxEjectionPercent: 50 }
    retry: { attempts: 1 }
routes:
  - get: /svc
    to: svc
`,
  );
  // debug: the workers then log their private admin listeners, which the primary forwards to.
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2', '--log-level', 'debug'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => {
    const line = JSON.parse(l) as Record<string, unknown>;
    logs.push(line);
    if (line['msg'] === 'admin listening' && typeof line['admin'] === 'string') workerAdmins.set(line['pid'] as number, line['admin']);
    if (line['msg'] === 'admin listening' && typeof line['admin'] === 'object') admin = `http://127.0.0.1:${(line['admin'] as AddressInfo).port}`;
  });
  const started = await until(() => admin !== undefined && workerAdmins.size === 2 && logs.some((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2), 60_000);
  assert.ok(started, `the primary and both workers listen; they logged:\n${logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`);
  url = ((logs.find((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2)?.['listen'] as string[]) ?? [])[0] as string;

  // New connections until the kernel has handed some to each worker and each worker's outlier
  // detection has ejected the endpoint answering 500.
  const ejectedBy = async () => {
    const { upstreams } = (await (await fetch(`${admin}/admin/upstreams`)).json()) as { upstreams: UpstreamView[] };
    return upstreams.filter((v) => v.name === 'svc' && v.endpoints.some((e) => e.url === base(bad) && e.ejection === 'ejected')).length;
  };
  for (let i = 0; i < 400 && (await ejectedBy()) < 2; i++) await (await fetch(`${url}/svc`, { headers: { connection: 'close' } })).text();
  assert.equal(await ejectedBy(), 2, 'both workers ejected the failing endpoint');
  // Each worker reads the php-fpm status page on its own (once a second).
  for (const worker of workerAdmins.values()) {
    assert.ok(await until(async () => (await scrape(worker)).samples.get('switchyard_fpm_up{upstream="legacy"}') === 1), `worker ${worker} read the php-fpm status page`);
  }
});

after(async () => {
  child?.kill('SIGKILL');
  await Promise.all([fpm?.stop(), new Promise((r) => good?.close(r)), new Promise((r) => bad?.close(r))]);
  await rm(dir, { recursive: true, force: true });
});

interface Exposition {
  /** Metric name to its `# TYPE`. */
  readonly types: Map<string, string>;
  /** `name{labels}` as printed, to its value. */
  readonly samples: Map<string, number>;
}

/** The Prometheus text format, as much of it as these gauges use. */
function parse(text: string): Exposition {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) types.set(type[1] as string, type[2] as string);
    const sample = /^([a-z_:][a-z0-9_:]*(?:\{[^}]*\})?) (\S+)$/i.exec(line);
    if (sample !== null) samples.set(sample[1] as string, Number(sample[2]));
  }
  return { types, samples };
}

async function scrape(base: string): Promise<Exposition> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  return parse(await res.text());
}

const gaugeSamples = (e: Exposition) => [...e.samples].filter(([key]) => e.types.get(key.replace(/\{.*$/, '')) === 'gauge');

/**
 * The merged exposition and each worker's, taken while no gauge moved: a worker's figures read
 * again after the merged scrape must be unchanged (php-fpm's counters move once a second).
 */
async function steadyScrapes(): Promise<{ merged: Exposition; workers: Exposition[] }> {
  const read = () => Promise.all([...workerAdmins.values()].map(scrape));
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = await read();
    const merged = await scrape(admin);
    const after = await read();
    const same = before.every((w, i) => JSON.stringify(gaugeSamples(w)) === JSON.stringify(gaugeSamples(after[i] as Exposition)));
    if (same) return { merged, workers: before };
  }
  throw new Error('the workers’ gauges never held still for one scrape');
}

it('every gauge merges across the workers as the table says', async () => {
  const { merged, workers } = await steadyScrapes();
  const gauges = [...merged.types].filter(([, type]) => type === 'gauge').map(([name]) => name);
  assert.deepEqual(gauges.filter((name) => EXPECTED_MERGE[name] === undefined), [], 'every gauge has a row in EXPECTED_MERGE');
  assert.deepEqual(
    Object.keys(EXPECTED_MERGE).filter((name) => !gauges.includes(name)),
    [],
    'every row is exposed here (the setup reaches every gauge)',
  );
  for (const [key, value] of gaugeSamples(merged)) {
    const merge = EXPECTED_MERGE[key.replace(/\{.*$/, '')];
    const perWorker = workers.map((w) => w.samples.get(key)).filter((v): v is number => v !== undefined);
    const expected = merge === 'max' ? Math.max(...perWorker) : perWorker.reduce((a, b) => a + b, 0);
    assert.equal(value, expected, `${key} is the ${merge} of the workers' ${perWorker.join(', ')}`);
  }
});

it('counts an endpoint every worker ejected once, and php-fpm’s pool once', async () => {
  const { merged, workers } = await steadyScrapes();
  const once: [key: string, value: number][] = [
    ['switchyard_upstream_ejected_endpoints{upstream="svc"}', 1],
    ['switchyard_upstream_endpoints{upstream="svc",state="ejected"}', 1],
    ['switchyard_upstream_endpoints{upstream="svc",state="healthy"}', 1],
    ['switchyard_fpm_up{upstream="legacy"}', 1],
    ['switchyard_fpm_total_processes{upstream="legacy"}', CHILDREN],
  ];
  for (const [key, value] of once) {
    for (const w of workers) assert.equal(w.samples.get(key), value, `each worker alone reports ${key} ${value}`);
    assert.equal(merged.samples.get(key), value, `${key} is not counted once per worker`);
  }
});

it('adds up each worker’s share of maxConnections', async () => {
  const { merged, workers } = await steadyScrapes();
  const key = 'switchyard_upstream_connections_max{upstream="legacy"}';
  assert.deepEqual(
    workers.map((w) => w.samples.get(key)),
    [MAX_CONNECTIONS / 2, MAX_CONNECTIONS / 2],
    'each worker holds half',
  );
  assert.equal(merged.samples.get(key), MAX_CONNECTIONS, 'the gateway as a whole holds maxConnections');
});
