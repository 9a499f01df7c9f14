/**
 * bench:soak — does the gateway stay flat over a long run? One gateway (`serve`, telemetry on:
 * metrics, heatmaps, tracing to a local OTLP sink at sampleRatio 0.1) in front of a real php-fpm
 * pool (FastCGI route) and an HTTP service (HTTP route). First its capacity is measured: wrk at
 * full speed on both routes at once for SOAK_CAPACITY_SECONDS. Then both routes are driven at
 * SOAK_LOAD (0.8) of that rate for SOAK_WARMUP_SECONDS and then SOAK_MINUTES (30) more: wrk in
 * one-minute segments, each connection paced by a Lua delay() that each segment corrects (15 s
 * segments during the warm-up). The warm-up (17 min by default) outlasts the latency heatmap's
 * ring (telemetry.heatmap.keep, 15 min): the ring fills for that long by design, and a soak that
 * compared its filling minutes with later ones would call a bounded buffer a leak. Every
 * SOAK_SAMPLE_SECONDS the gateway's RSS and open file descriptors (its whole process tree) are
 * read from /proc; of the samples after the warm-up, the mean of the last third is compared with
 * the first third: both must be within 5%, and no request may fail.
 *
 *   npm run bench:soak                              # 17 + 30 minutes (not in CI)
 *   SOAK_MINUTES=3 SOAK_WARMUP_SECONDS=30 npm run bench:soak
 *
 * Exits 1 when memory or descriptors grew more than 5% or a request failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { wrk, type WrkResult } from '../lib/wrk.js';
import { sampleProcessTree, type ProcessSample } from './process-sample.js';

const minutes = Number(process.env['SOAK_MINUTES'] ?? 30);
const load = Number(process.env['SOAK_LOAD'] ?? 0.8);
const capacitySeconds = Number(process.env['SOAK_CAPACITY_SECONDS'] ?? 10);
const warmupSeconds = Number(process.env['SOAK_WARMUP_SECONDS'] ?? 17 * 60);
const sampleSeconds = Number(process.env['SOAK_SAMPLE_SECONDS'] ?? 5);
const workers = Number(process.env['SOAK_WORKERS'] ?? 1);
const connections = 16; // per route
/** wrk runs in segments; shorter ones during the warm-up, so the pacing settles before it ends. */
const SEGMENT_SECONDS = 60;
const WARMUP_SEGMENT_SECONDS = 15;
const LIMIT = 0.05;
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface Route {
  readonly name: string;
  readonly url: string;
  capacity: number;
  /** Per-connection pause before each request, in ms. */
  delayMs: number;
  readonly results: WrkResult[];
}

async function startGateway(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, 'serve', '-c', file, '--log-level', 'info', '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: child.stderr! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[]; level?: number };
    if (entry.msg === 'switchyard listening' && (workers === 1 || line.includes('"workers"'))) {
      // Warnings and errors during the soak are shown.
      lines.on('line', (rest) => {
        if (((JSON.parse(rest) as { level?: number }).level ?? 0) >= 40) process.stderr.write(`gateway: ${rest}\n`);
      });
      return { url: entry.listen?.[0] ?? '', child };
    }
  }
  throw new Error('the gateway exited before it listened');
}

/** A wrk script whose every connection waits `delayMs` before each request. */
async function pacing(dir: string, route: Route): Promise<string> {
  const file = join(dir, `${route.name}.lua`);
  await writeFile(file, `function delay()\n  return ${Math.max(0, Math.round(route.delayMs))}\nend\n`);
  return file;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-soak-'));
  const root = join(dir, 'www');
  await mkdir(root);
  await writeFile(join(root, 'index.php'), `<?php header('content-type: application/json'); echo json_encode(['ok' => true, 'n' => $_GET['n'] ?? 0]);`);
  const fpm = await startPhpFpm({ root, children: 8, statusPath: '/fpm-status' });
  const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()));
  const service = createServer((_req, res) => res.end('{"ok":true}'));
  service.keepAliveTimeout = 60_000;
  await Promise.all([sink, service].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  const file = join(dir, 'switchyard.yaml');
  await writeFile(
    file,
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  legacy: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${root}, scripts: [index.php], maxConnections: 8, status: /fpm-status }
  api: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
routes:
  - get: /api/{id}
    to: api
    name: api
  - get: /{file}
    to: legacy
    name: php
telemetry: { tracing: { otlp: 'http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces', sampleRatio: 0.1 } }
`,
  );
  const gw = await startGateway(file);
  const pid = gw.child.pid as number;
  const routes: Route[] = [
    { name: 'fastcgi', url: `${gw.url}/index.php`, capacity: 0, delayMs: 0, results: [] },
    { name: 'http', url: `${gw.url}/api/1`, capacity: 0, delayMs: 0, results: [] },
  ];
  const samples: (ProcessSample & { at: number })[] = [];
  let failed = false;
  try {
    // Capacity: both routes at full speed at once, as they share the gateway during the soak.
    const full = await Promise.all(routes.map((r) => wrk(r.url, { connections, threads: 1, durationSeconds: capacitySeconds })));
    routes.forEach((r, i) => {
      r.capacity = (full[i] as WrkResult).requestsPerSecond;
      // C connections each waiting d ms plus the latency L serve C / (d + L) requests per ms; L
      // below capacity is taken as 1 ms at first, and each segment corrects d from what it got.
      r.delayMs = (connections * 1000) / (r.capacity * load) - 1;
    });
    console.log(`capacity (both routes at once, ${capacitySeconds} s): ${routes.map((r) => `${r.name} ${r.capacity.toFixed(0)} req/s`).join(', ')}; soak at ${(load * 100).toFixed(0)}% for ${(warmupSeconds / 60).toFixed(0)} min of warm-up and ${minutes} min measured`);

    const started = Date.now();
    const end = started + warmupSeconds * 1000 + minutes * 60_000;
    const sampler = setInterval(() => void sampleProcessTree(pid).then((s) => samples.push({ ...s, at: (Date.now() - started) / 1000 })), sampleSeconds * 1000);
    samples.push({ ...(await sampleProcessTree(pid)), at: 0 });
    while (Date.now() < end - 5_000) {
      const warming = Date.now() - started < warmupSeconds * 1000;
      const seconds = Math.min(warming ? WARMUP_SEGMENT_SECONDS : SEGMENT_SECONDS, Math.round((end - Date.now()) / 1000));
      const results = await Promise.all(routes.map(async (r) => wrk(r.url, { connections, threads: 1, durationSeconds: seconds, script: await pacing(dir, r) })));
      routes.forEach((r, i) => {
        const result = results[i] as WrkResult;
        r.results.push(result);
        // Correct the pause halfway towards what would have met the target (the latency moves
        // with the pause, and the machine's other load moves both).
        const target = r.capacity * load;
        r.delayMs = Math.max(0, r.delayMs + 0.5 * ((connections * 1000) / target - (connections * 1000) / Math.max(1, result.requestsPerSecond)));
      });
      const last = samples.at(-1);
      console.log(
        `${((Date.now() - started) / 60_000).toFixed(1).padStart(5)} min  ${routes.map((r) => `${r.name} ${(r.results.at(-1) as WrkResult).requestsPerSecond.toFixed(0)} req/s p99 ${(r.results.at(-1) as WrkResult).p99Ms.toFixed(1)} ms failures ${(r.results.at(-1) as WrkResult).failures}`).join('   ')}   RSS ${((last?.rssKb ?? 0) / 1024).toFixed(1)} MB  fds ${last?.fds ?? 0}`,
      );
    }
    clearInterval(sampler);

    const steady = samples.filter((s) => s.at >= warmupSeconds);
    const third = Math.floor(steady.length / 3);
    const first = steady.slice(0, third);
    const lastThird = steady.slice(steady.length - third);
    const growth = (pick: (s: ProcessSample) => number) => mean(lastThird.map(pick)) / mean(first.map(pick)) - 1;
    const rssGrowth = growth((s) => s.rssKb);
    const fdGrowth = growth((s) => s.fds);
    const failures = routes.reduce((n, r) => n + r.results.reduce((m, x) => m + x.failures, 0), 0);
    console.log('');
    for (const r of routes) {
      const served = r.results.reduce((n, x) => n + x.requests, 0);
      console.log(`${r.name.padEnd(8)} capacity ${r.capacity.toFixed(0)} req/s, soak mean ${mean(r.results.map((x) => x.requestsPerSecond)).toFixed(0)} req/s (${((mean(r.results.map((x) => x.requestsPerSecond)) / r.capacity) * 100).toFixed(0)}% of capacity), ${served} requests, p99 worst segment ${Math.max(...r.results.map((x) => x.p99Ms)).toFixed(1)} ms, failures ${r.results.reduce((n, x) => n + x.failures, 0)}`);
    }
    console.log(`samples after ${warmupSeconds} s warm-up: ${steady.length} (every ${sampleSeconds} s); first third vs last third:`);
    console.log(`  RSS  ${(mean(first.map((s) => s.rssKb)) / 1024).toFixed(1)} MB -> ${(mean(lastThird.map((s) => s.rssKb)) / 1024).toFixed(1)} MB (${(rssGrowth * 100).toFixed(1)}%), min ${(Math.min(...steady.map((s) => s.rssKb)) / 1024).toFixed(1)} max ${(Math.max(...steady.map((s) => s.rssKb)) / 1024).toFixed(1)} MB`);
    console.log(`  fds  ${mean(first.map((s) => s.fds)).toFixed(1)} -> ${mean(lastThird.map((s) => s.fds)).toFixed(1)} (${(fdGrowth * 100).toFixed(1)}%), min ${Math.min(...steady.map((s) => s.fds))} max ${Math.max(...steady.map((s) => s.fds))}`);
    failed = third === 0 || Math.abs(rssGrowth) > LIMIT || Math.abs(fdGrowth) > LIMIT || failures > 0;
    console.log(failed ? `FAIL: ${third === 0 ? 'too few samples after the warm-up' : `RSS ${(rssGrowth * 100).toFixed(1)}%, fds ${(fdGrowth * 100).toFixed(1)}%, failures ${failures}`} (limit 5%, no failures)` : 'PASS: RSS and fds within 5%, no failures');
  } finally {
    const exited = new Promise((resolve) => gw.child.once('exit', resolve));
    gw.child.kill('SIGTERM');
    await exited;
    await fpm.stop();
    sink.close();
    service.close();
    await rm(dir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
