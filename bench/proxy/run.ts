/**
 * bench:proxy — Switchyard's http upstream against nginx, HAProxy, `http-proxy` and
 * `@fastify/http-proxy`, all in front of the same upstream (nginx answering a fixed 13-byte body
 * from memory), measured with wrk one after the other in the same run. Prints req/s, p50, p99,
 * failures, and the ratios against the fastest Node proxy and against nginx. A Node TCP relay
 * (bytes copied, no HTTP) on the same number of workers shows the ceiling for a proxy in Node.
 *
 *   npm run bench:proxy                         # 3 rounds of 5 s per proxy, switchyard --workers 2
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_CONNECTIONS=64 BENCH_WORKERS=2 npm run bench:proxy
 *   NODE_CLUSTER_SCHED_POLICY=rr npm run bench:proxy     # the primary spreads connections instead of the kernel
 *   BENCH_BASELINE=/path/to/other/checkout npm run bench:proxy   # adds that build of switchyard as a row
 *
 * BENCH_BASELINE names another checkout of Switchyard, built (`npm run build`), whose gateway runs
 * in the same rounds as this one: a change is measured before and after side by side, under the
 * same load from elsewhere on the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startNginx } from '../../test/helpers/nginx.js';
import { freePort } from '../../test/helpers/free-port.js';
import { wrk, type WrkResult } from '../lib/wrk.js';
import { processTreeCpuSeconds } from './process-cpu.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const workers = Number(process.env['BENCH_WORKERS'] ?? 2);
// Proxies are measured in turns, several rounds, and each one's median round is reported, so a
// burst of load from elsewhere on the machine does not land on one proxy only.
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const baseline = process.env['BENCH_BASELINE'];
const nodeProxies = fileURLToPath(new URL('./node-proxies.js', import.meta.url));
/** The floor runs with the young-generation size Switchyard's workers get (src/process/worker-flags.ts). */
const FLOOR_FLAGS = ['--max-semi-space-size=64'];

interface Running {
  readonly url: string;
  /** The proxy's top process (its workers are its descendants), for CPU per request. */
  readonly pid: number;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Spawns a process and waits for the line that says where it listens. */
async function startChild(args: string[], stream: 'stdout' | 'stderr', parse: (line: string) => string | undefined): Promise<Running> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', stream === 'stdout' ? 'pipe' : 'ignore', stream === 'stderr' ? 'pipe' : 'inherit'] });
  const lines = createInterface({ input: (stream === 'stdout' ? child.stdout : child.stderr) as NodeJS.ReadableStream });
  for await (const line of lines) {
    const url = parse(line);
    if (url !== undefined) return { url, pid: child.pid as number, stop: () => stopChild(child) };
  }
  throw new Error(`${args.join(' ')} exited before listening`);
}

async function startSwitchyard(upstream: string, dir: string, cli = bin): Promise<Running> {
  const file = join(dir, cli === bin ? 'switchyard.yaml' : 'switchyard-baseline.yaml');
  await writeFile(file, `listen: 127.0.0.1:0\naccessLog: off\ntelemetry: { metrics: false }\nupstreams:\n  svc: { type: http, endpoints: [${upstream}] }\nroutes:\n  - any: /{path?}\n    where: { path: '.*' }\n    to: svc\n`);
  return startChild([cli, 'serve', '-c', file, '--workers', String(workers), '--log-level', 'info'], 'stderr', (line) => {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[]; workers?: number };
    // With several workers the primary's line (carrying `workers`) means all are listening.
    return entry.msg === 'switchyard listening' && (workers === 1 || entry.workers === workers) ? entry.listen?.[0] : undefined;
  });
}

async function startHaproxy(upstreamPort: number, dir: string): Promise<Running> {
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  await writeFile(
    cfg,
    `global
  nbthread 2
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  server s1 127.0.0.1:${upstreamPort}
`,
  );
  const child = spawn('/usr/sbin/haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(url).then(() => true, () => false)) return { url, pid: child.pid as number, stop: () => stopChild(child) };
    await new Promise((r) => setTimeout(r, 25));
  }
  await stopChild(child);
  throw new Error('haproxy did not start');
}

interface Measured extends WrkResult {
  /** Proxy CPU (all its processes) per request served, microseconds. */
  readonly cpuUs: number;
}

async function measure(proc: Running): Promise<Measured> {
  const before = await processTreeCpuSeconds(proc.pid);
  const r = await wrk(`${proc.url}/`, { connections, durationSeconds: seconds });
  const cpu = (await processTreeCpuSeconds(proc.pid)) - before;
  return { ...r, cpuUs: r.requests === 0 ? NaN : (cpu * 1e6) / r.requests };
}

function row(name: string, r: Measured): string {
  return `${name.padEnd(22)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(7)} ms   ${r.cpuUs.toFixed(1).padStart(6)} µs CPU/req   failures ${r.failures}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-proxy-'));
  const upstream = await startNginx(`location / { return 200 'hello, world\n'; }`, { workerProcesses: 1, workerConnections: 4096 });
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const running: [string, Running][] = [];
  try {
    const nginxProxy = await startNginx(`location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }`, {
      workerProcesses: 'auto',
      workerConnections: 4096,
      http: `upstream up { server 127.0.0.1:${upstream.port}; keepalive 256; }`,
    });
    let nginxPid = 0;
    running.push(['nginx', { url: `http://127.0.0.1:${nginxProxy.port}`, get pid() { return nginxPid; }, stop: () => nginxProxy.stop() }]);
    // nginx may accept before its pid file is written.
    for (let i = 0; i < 200 && nginxPid === 0; i++) {
      nginxPid = Number((await readFile(join(nginxProxy.dir, 'nginx.pid'), 'utf8').catch(() => '0')).trim());
      if (nginxPid === 0) await new Promise((r) => setTimeout(r, 25));
    }
    running.push(['haproxy', await startHaproxy(upstream.port, dir)]);
    const listening = (line: string) => (line.startsWith('listening ') ? `http://127.0.0.1:${line.slice('listening '.length)}` : undefined);
    running.push(['http-proxy', await startChild([nodeProxies, 'http-proxy', upstreamUrl], 'stdout', listening)]);
    running.push(['@fastify/http-proxy', await startChild([nodeProxies, 'fastify', upstreamUrl], 'stdout', listening)]);
    running.push([`switchyard (${workers} workers)`, await startSwitchyard(upstreamUrl, dir)]);
    if (baseline !== undefined) running.push([`baseline (${workers} workers)`, await startSwitchyard(upstreamUrl, dir, join(baseline, 'dist/src/cli/bin.js'))]);
    // References, not competitors: the ceiling for any Node proxy, and the floor of Switchyard's stack.
    running.push([`node tcp relay (${workers})`, await startChild([nodeProxies, 'tcp-relay', upstreamUrl, String(workers)], 'stdout', listening)]);
    running.push([`undici floor (${workers})`, await startChild([...FLOOR_FLAGS, nodeProxies, 'undici-floor', upstreamUrl, String(workers)], 'stdout', listening)]);

    console.log(`upstream: nginx, 1 worker, fixed 13-byte body; wrk ${connections} connections; ${rounds} rounds of ${seconds}s per proxy in turns after a 2s warm-up; median round shown`);
    console.log(`nginx: worker_processes auto, upstream keepalive; haproxy: nbthread 2, http-reuse always; node proxies: one process each, keep-alive agents; tcp relay: ${workers} cluster workers, one upstream connection per client`);
    const all = new Map<string, Measured[]>();
    for (const [name, proc] of running) {
      await wrk(`${proc.url}/`, { connections, durationSeconds: 2 });
      all.set(name, []);
    }
    // Every other round runs the proxies in reverse: the one measured right after another gained
    // ~5% (switchyard and BENCH_BASELINE, the same build, swapped places: 0.96x, then 0.95x).
    for (let round = 0; round < rounds; round++) {
      for (const [name, proc] of round % 2 === 0 ? running : [...running].reverse()) all.get(name)?.push(await measure(proc));
    }
    const results = new Map<string, Measured>();
    for (const [name, list] of all) {
      const sorted = [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
      results.set(name, sorted[Math.floor(sorted.length / 2)] as Measured);
    }
    for (const [name, r] of results) console.log(row(name, r));
    const sy = [...results.entries()].find(([n]) => n.startsWith('switchyard'))?.[1] as Measured;
    const nodeResults = [results.get('http-proxy'), results.get('@fastify/http-proxy')].filter((r): r is Measured => r !== undefined);
    const fastestNode = Math.max(...nodeResults.map((r) => r.requestsPerSecond));
    const leanestNode = Math.min(...nodeResults.map((r) => r.cpuUs));
    const nginx = results.get('nginx') as Measured;
    const haproxy = results.get('haproxy') as Measured;
    console.log(`\nswitchyard / fastest node proxy: ${(sy.requestsPerSecond / fastestNode).toFixed(2)}x req/s (target 2x)`);
    console.log(`switchyard / nginx: ${(sy.requestsPerSecond / nginx.requestsPerSecond).toFixed(2)}x req/s (target 0.7x), p99 ${(sy.p99Ms / nginx.p99Ms).toFixed(2)}x`);
    console.log(`switchyard / haproxy: ${(sy.requestsPerSecond / haproxy.requestsPerSecond).toFixed(2)}x req/s, p99 ${(sy.p99Ms / haproxy.p99Ms).toFixed(2)}x`);
    const relay = [...results.entries()].find(([n]) => n.startsWith('node tcp relay'))?.[1] as Measured;
    const floor = [...results.entries()].find(([n]) => n.startsWith('undici floor'))?.[1] as Measured;
    console.log(`ceiling for Node: a tcp relay (no HTTP work) / nginx ${(relay.requestsPerSecond / nginx.requestsPerSecond).toFixed(2)}x req/s, ${relay.cpuUs.toFixed(1)} µs CPU/req; switchyard / relay ${(sy.requestsPerSecond / relay.requestsPerSecond).toFixed(2)}x`);
    console.log(`floor of node:http + undici (no gateway work) / nginx ${(floor.requestsPerSecond / nginx.requestsPerSecond).toFixed(2)}x req/s, ${floor.cpuUs.toFixed(1)} µs CPU/req; switchyard / floor ${(sy.requestsPerSecond / floor.requestsPerSecond).toFixed(2)}x`);
    const base = [...results.entries()].find(([n]) => n.startsWith('baseline'))?.[1];
    if (base !== undefined) {
      console.log(`baseline / nginx: ${(base.requestsPerSecond / nginx.requestsPerSecond).toFixed(2)}x req/s, CPU/req ${(base.cpuUs / nginx.cpuUs).toFixed(2)}x nginx's; switchyard / baseline ${(sy.requestsPerSecond / base.requestsPerSecond).toFixed(2)}x req/s, ${(sy.cpuUs / base.cpuUs).toFixed(2)}x CPU/req`);
    }
    console.log(`switchyard CPU/req / nginx's: ${(sy.cpuUs / nginx.cpuUs).toFixed(2)}x (target 2.5x)`);
    console.log(`CPU per request: switchyard ${sy.cpuUs.toFixed(1)} µs, leanest node proxy ${leanestNode.toFixed(1)} µs (${(leanestNode / sy.cpuUs).toFixed(2)}x as efficient), nginx ${nginx.cpuUs.toFixed(1)} µs (${(nginx.cpuUs / sy.cpuUs).toFixed(2)}x)`);
  } finally {
    for (const [, proc] of running) await proc.stop();
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
