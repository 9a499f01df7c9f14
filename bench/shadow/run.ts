/**
 * bench:shadow — what shadowing every request costs the client: one gateway, one php-fpm pool,
 * the same PHP route measured with wrk without shadow, with `shadow: { sample: 0 }` (the route
 * goes through the delivery terminal but nothing is copied) and with `shadow: { sample: 1.0 }`
 * to a node service answering the same items (its own clock and id, keys in another order:
 * noise the shadow has to learn). Runs alternate between the three, twice, so drift hits all; prints req/s,
 * p99 and the gateway's CPU per request side by side, the ratios, and what the shadow compared.
 *
 *   npm run bench:shadow                              # 5 s per run
 *   BENCH_SECONDS=10 BENCH_CHILDREN=4 npm run bench:shadow
 *   BENCH_CONNECTIONS=1 npm run bench:shadow         # one client: nothing is shed, every request copied
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=prof' npm run bench:shadow
 *   BENCH_PACE_MS=4 npm run bench:shadow             # the paced runs: each connection waits 4 ms between requests
 *   BENCH_ROUNDS=4 npm run bench:shadow              # more alternating rounds of each run (default 2)
 *
 * Then, at an offered load well below capacity (each wrk connection waits BENCH_PACE_MS between
 * its requests, through a wrk script's delay()), plain and shadowed alternate again and the run
 * compares p50, p99, failures and the gateway's CPU per client request: on this machine the
 * target and php-fpm share the cores with the gateway, so at saturation part of the shadow's cost
 * is the target's own CPU, which in production runs elsewhere; below capacity the client sees
 * only what the gateway does for the copies.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { freePort } from '../../test/helpers/free-port.js';
import { wrk, type WrkResult } from '../lib/wrk.js';
import { treeCpuSeconds } from '../fastcgi/process-cpu.js';
import type { ShadowView } from '../../src/delivery/shadow/shadow-view.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const children = Number(process.env['BENCH_CHILDREN'] ?? 4);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? children * 2);
const threads = Math.min(2, connections);
const root = fileURLToPath(new URL('../../../bench/shadow/app', import.meta.url));
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
/** Extra node flags for the gateway (a profile: `--cpu-prof --cpu-prof-dir=DIR`). */
const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter((a) => a !== '');
/** The paced runs' wait between one connection's requests, in ms. */
const paceMs = Number(process.env['BENCH_PACE_MS'] ?? 4);
/** Rounds of each run, alternating; the ratios compare the means. */
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-shadow-'));
  const pool = await startPhpFpm({ root, children });
  const target = createServer((req, res) => {
    const id = Number((req.url ?? '/0').split('/').pop());
    const body = { requestId: randomBytes(8).toString('hex'), generatedAt: (Date.now() / 1000).toFixed(6), tags: ['red', 'green', 'blue'], price: 10 * id, name: `item ${id}`, id };
    res.setHeader('content-type', 'application/json').end(JSON.stringify(body));
  });
  /** Connections the gateway opened to the target: few means the copies reuse them. */
  let targetConnections = 0;
  target.on('connection', () => targetConnections++);
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const adminPort = await freePort();
  const file = join(dir, 'switchyard.yaml');
  await writeFile(
    file,
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:${adminPort} }
upstreams:
  php: { type: fastcgi, address: 'unix:${pool.socketPath}', root: '${root}', maxConnections: ${children} }
  items: { type: http, endpoints: ['http://127.0.0.1:${(target.address() as AddressInfo).port}'] }
routes:
  - get: /plain/{id}
    name: plain
    to: php
  - get: /shadowed/{id}
    name: shadowed
    to: php
    shadow: { to: items, sample: 1.0 }
  - get: /unsampled/{id}
    name: unsampled
    to: php
    shadow: { to: items, sample: 0 }
`,
  );
  const gateway = spawn(process.execPath, [...nodeArgs, bin, 'serve', '-c', file, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let url = '';
  for await (const line of createInterface({ input: gateway.stderr })) {
    if (!line.startsWith('{')) {
      console.error(line);
      continue;
    }
    const entry = JSON.parse(line) as { msg?: string; listen?: string[] };
    if (entry.msg === 'switchyard listening') {
      url = entry.listen?.[0] ?? '';
      break;
    }
  }
  const stopGateway = () => new Promise<void>((resolve) => (gateway.exitCode !== null ? resolve() : (gateway.once('exit', () => resolve()), gateway.kill('SIGTERM'))));
  try {
    if (url === '') throw new Error('switchyard exited before listening');
    console.log(`php-fpm pm=static children=${children}; one gateway process; wrk ${connections} connections, ${seconds}s per run, runs alternating, ${rounds} rounds`);
    /** targetCpuUs: this process's CPU (the target service, which in production runs elsewhere) per client request. */
    type Run = WrkResult & { readonly gatewayCpuUs: number; readonly targetCpuUs: number };
    const names = ['plain', 'unsampled', 'shadowed'] as const;
    const runs: Record<(typeof names)[number], Run[]> = { plain: [], unsampled: [], shadowed: [] };
    for (const name of names) await wrk(`${url}/${name}/42`, { connections, threads, durationSeconds: 2 }); // warm up
    for (let round = 0; round < rounds; round++) {
      for (const name of names) {
        const cpuBefore = treeCpuSeconds(gateway.pid ?? 0);
        const targetBefore = process.cpuUsage();
        const measured = await wrk(`${url}/${name}/42`, { connections, threads, durationSeconds: seconds });
        const r = { ...measured, gatewayCpuUs: ((treeCpuSeconds(gateway.pid ?? 0) - cpuBefore) / Math.max(1, measured.requests)) * 1e6, targetCpuUs: cpuMicros(process.cpuUsage(targetBefore)) / Math.max(1, measured.requests) };
        runs[name].push(r);
        console.log(`${name.padEnd(9)} round ${round + 1}: ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   failures ${r.failures}   gateway cpu/req ${r.gatewayCpuUs.toFixed(0)} µs   target cpu/req ${r.targetCpuUs.toFixed(0)} µs`);
      }
    }
    const mean = (rs: Run[], of: (r: Run) => number) => rs.reduce((n, r) => n + of(r), 0) / rs.length;
    const of = (name: (typeof names)[number]) => ({ rps: mean(runs[name], (r) => r.requestsPerSecond), p99: mean(runs[name], (r) => r.p99Ms), cpu: mean(runs[name], (r) => r.gatewayCpuUs) });
    const [plain, unsampled, shadowed] = [of('plain'), of('unsampled'), of('shadowed')];
    console.log('\nmean');
    for (const [name, m] of [['plain', plain], ['unsampled', unsampled], ['shadowed', shadowed]] as const) console.log(`${name.padEnd(9)} ${m.rps.toFixed(0).padStart(7)} req/s   p99 ${m.p99.toFixed(2).padStart(6)} ms   gateway cpu/req ${m.cpu.toFixed(0)} µs`);
    const ratio = (a: typeof plain, b: typeof plain) => `req/s ${(a.rps / b.rps).toFixed(3)}x (cost ${(100 * (1 - a.rps / b.rps)).toFixed(1)}%), p99 ${(a.p99 / b.p99).toFixed(3)}x, gateway cpu/req ${(a.cpu / b.cpu).toFixed(3)}x`;
    console.log(`shadowed / plain:     ${ratio(shadowed, plain)}`);
    console.log(`shadowed / unsampled: ${ratio(shadowed, unsampled)}   (the copies alone: both routes go through the delivery terminal)`);
    const shadowReport = async () => {
      const view = (await (await fetch(`http://127.0.0.1:${adminPort}/admin/shadow`)).json()) as ShadowView;
      const s = view.routes.find((r) => r.route === 'shadowed');
      return { compared: s?.compared ?? 0, busy: s?.noData.busy ?? 0, line: s === undefined ? 'no report' : `compared ${s.compared}, mismatched ${s.mismatched}, no data ${JSON.stringify(s.noData)}, noise fields ${s.fields.filter((f) => f.noise > 0).map((f) => f.pointer).join(', ')}` };
    };
    const saturated = await shadowReport();
    console.log(`shadow: ${saturated.line}`);

    const script = join(dir, 'pace.lua');
    await writeFile(script, `function delay()\n  return ${paceMs}\nend\n`);
    console.log(`\npaced: each of ${connections} connections waits ${paceMs} ms between requests (below capacity), runs alternating`);
    const paced: Record<'plain' | 'shadowed', Run[]> = { plain: [], shadowed: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of ['plain', 'shadowed'] as const) {
        const cpuBefore = treeCpuSeconds(gateway.pid ?? 0);
        const targetBefore = process.cpuUsage();
        const measured = await wrk(`${url}/${name}/42`, { connections, threads, durationSeconds: seconds, script });
        const r = { ...measured, gatewayCpuUs: ((treeCpuSeconds(gateway.pid ?? 0) - cpuBefore) / Math.max(1, measured.requests)) * 1e6, targetCpuUs: cpuMicros(process.cpuUsage(targetBefore)) / Math.max(1, measured.requests) };
        paced[name].push(r);
        console.log(`${name.padEnd(9)} round ${round + 1}: ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   failures ${r.failures}   gateway cpu/req ${r.gatewayCpuUs.toFixed(0)} µs   target cpu/req ${r.targetCpuUs.toFixed(0)} µs`);
      }
    }
    const pacedOf = (name: 'plain' | 'shadowed') => ({ rps: mean(paced[name], (r) => r.requestsPerSecond), p50: mean(paced[name], (r) => r.p50Ms), p99: mean(paced[name], (r) => r.p99Ms), cpu: mean(paced[name], (r) => r.gatewayCpuUs), failures: paced[name].reduce((n, r) => n + r.failures, 0), requests: paced[name].reduce((n, r) => n + r.requests, 0) });
    const [pp, ps] = [pacedOf('plain'), pacedOf('shadowed')];
    console.log(`paced shadowed / plain: req/s ${(ps.rps / pp.rps).toFixed(3)}x, p50 ${(ps.p50 / pp.p50).toFixed(3)}x, p99 ${(ps.p99 / pp.p99).toFixed(3)}x (${pp.p99.toFixed(2)} -> ${ps.p99.toFixed(2)} ms), gateway cpu/req ${(ps.cpu / pp.cpu).toFixed(3)}x (${pp.cpu.toFixed(0)} -> ${ps.cpu.toFixed(0)} µs), failures ${pp.failures} / ${ps.failures}`);
    const after = await shadowReport();
    console.log(`shadow while paced: compared ${after.compared - saturated.compared} of ${ps.requests} shadowed requests (busy ${after.busy - saturated.busy}); ${after.line}; connections to the target in all: ${targetConnections}`);
  } finally {
    await stopGateway();
    await new Promise((resolve) => target.close(resolve));
    await pool.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
