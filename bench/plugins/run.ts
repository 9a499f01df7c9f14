/**
 * bench:plugins — what a plugin costs a proxied request: one Switchyard (`serve --workers N`) in
 * front of nginx answering a fixed body, with one route per row that differs only in its
 * middleware, measured with wrk in turns (median of BENCH_ROUNDS rounds), as req/s and as gateway
 * CPU per request (all its processes, from /proc), which load from elsewhere on the machine
 * disturbs less. Every rate limit admits everything (1000000/s, keyed by the one client address),
 * so the rows measure counting, not refusing.
 *
 *   npm run bench:plugins
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_CONNECTIONS=64 BENCH_WORKERS=2 npm run bench:plugins
 *
 * Targets (issue 16): rateLimit memory ≤ 5% cost, rateLimit Redis ≤ 15%, a header-only wasm
 * filter ≤ 20%, each against the `none` row of the same run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startNginx } from '../../test/helpers/nginx.js';
import { freePort } from '../../test/helpers/free-port.js';
import { wrk, type WrkResult } from '../lib/wrk.js';
import { processTreeCpuSeconds } from '../proxy/process-cpu.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const workers = Number(process.env['BENCH_WORKERS'] ?? 2);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/**
 * One row: a path, the middleware the route lists (defined in `middleware` below) and its target
 * cost against `none`. The wasm row runs examples/wasm/ab-assign.wat (request headers only: a
 * header read, a header replaced, a counter incremented), built with wat2wasm into the run's
 * directory.
 */
interface Row {
  readonly name: string;
  readonly path: string;
  readonly uses: readonly string[];
  readonly targetCost?: number;
}

const ROWS: readonly Row[] = [
  { name: 'none', path: '/none', uses: [] },
  { name: 'rateLimit memory', path: '/memory', uses: ['memoryLimit'], targetCost: 0.05 },
  { name: 'rateLimit redis', path: '/redis', uses: ['redisLimit'], targetCost: 0.15 },
  { name: 'wasm (header only)', path: '/wasm', uses: ['wasmHeader'], targetCost: 0.2 },
];

function middleware(redisUrl: string, wasmModule: string): string {
  return `middleware:
  memoryLimit: { type: rateLimit, rate: 1000000/s, key: ip, store: memory }
  redisLimit: { type: rateLimit, rate: 1000000/s, key: ip, store: '${redisUrl}', onStoreError: closed, storeTimeout: 1s }
  wasmHeader: { type: wasm, module: ${wasmModule} }
`;
}

/** The wasm row's filter, built from its WAT source as the tests build it. */
function buildWasm(dir: string): string {
  const out = join(dir, 'ab-assign.wasm');
  execFileSync('wat2wasm', [fileURLToPath(new URL('../../../examples/wasm/ab-assign.wat', import.meta.url)), '-o', out]);
  return out;
}

interface Measured extends WrkResult {
  readonly cpuUs: number;
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) if (/Ready to accept connections/.test(line)) break;
  child.stdout?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function startSwitchyard(dir: string, upstream: string, redisUrl: string): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const routes = ROWS.map((r) => `  - get: ${r.path}\n    to: svc\n    middleware: [${r.uses.join(', ')}]\n`).join('');
  const file = join(dir, 'switchyard.yaml');
  await writeFile(file, `listen: 127.0.0.1:0\naccessLog: off\ntelemetry: { metrics: false }\nupstreams:\n  svc: { type: http, endpoints: [${upstream}] }\n${middleware(redisUrl, buildWasm(dir))}routes:\n${routes}`);
  const child = spawn(process.execPath, [bin, 'serve', '-c', file, '--workers', String(workers), '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  for await (const line of createInterface({ input: child.stderr as NodeJS.ReadableStream })) {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[]; workers?: number };
    if (entry.msg === 'switchyard listening' && (workers === 1 || entry.workers === workers)) {
      child.stderr?.resume();
      return { url: entry.listen?.[0] as string, pid: child.pid as number, child };
    }
  }
  throw new Error('switchyard exited before listening');
}

async function measure(url: string, pid: number): Promise<Measured> {
  const cpuBefore = await processTreeCpuSeconds(pid);
  const result = await wrk(url, { connections, durationSeconds: seconds });
  const cpu = (await processTreeCpuSeconds(pid)) - cpuBefore;
  return { ...result, cpuUs: result.requests > 0 ? (cpu * 1e6) / result.requests : NaN };
}

const row = (name: string, r: Measured) =>
  `${name.padEnd(20)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms  ${r.cpuUs.toFixed(1).padStart(6)} µs CPU/req  failures ${r.failures}`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-bench-plugins-'));
  const upstream = await startNginx(`location / { return 200 'hello, world\n'; }`, { workerProcesses: 1, workerConnections: 4096 });
  const redis = await startRedis();
  let gateway: ChildProcess | undefined;
  try {
    const sy = await startSwitchyard(dir, `http://127.0.0.1:${upstream.port}`, redis.url);
    gateway = sy.child;
    console.log(`switchyard --workers ${workers} in front of nginx (1 worker, fixed 13-byte body); wrk ${connections} connections; ${rounds} rounds of ${seconds}s per row in turns after a 2s warm-up; median round shown`);
    const all = new Map<string, Measured[]>(ROWS.map((r) => [r.name, []]));
    for (const r of ROWS) await wrk(`${sy.url}${r.path}`, { connections, durationSeconds: 2 });
    for (let round = 0; round < rounds; round++) for (const r of ROWS) all.get(r.name)?.push(await measure(`${sy.url}${r.path}`, sy.pid));
    const median = (list: Measured[]) => [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(list.length / 2)] as Measured;
    const none = median(all.get('none') ?? []);
    for (const r of ROWS) {
      const m = median(all.get(r.name) ?? []);
      const cost = 1 - m.requestsPerSecond / none.requestsPerSecond;
      const cpuCost = m.cpuUs / none.cpuUs - 1;
      const verdict = r.targetCost === undefined ? '' : `  cost ${(cost * 100).toFixed(1)}% req/s, ${(cpuCost * 100).toFixed(1)}% CPU/req (target ≤ ${(r.targetCost * 100).toFixed(0)}%)`;
      console.log(row(r.name, m) + verdict);
    }
  } finally {
    if (gateway !== undefined && gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await once(gateway, 'exit');
    }
    await redis.stop();
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
