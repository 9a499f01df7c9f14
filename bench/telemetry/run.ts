/**
 * bench:telemetry — what telemetry costs: the same gateway config twice, in front of the same
 * HTTP service, one with tracing (OTLP to a local sink, sampleRatio 0.1) and metrics, heatmaps
 * and correlation on, one with all of it off; wrk against each, alternated, in the same run.
 * Prints req/s, p50, p99, the gateway's CPU time per request (from /proc, so a busy machine
 * skews it less than throughput) and the on/off ratios (the target is at most 10% lower).
 *
 * Each gateway is warmed up first (BENCH_WARMUP seconds, default 5): the telemetry side has
 * more code for the JIT to optimise (the SDK, the exporter), and a 2 s warm-up left its first
 * measured round several µs per request slower than the rest.
 *
 *   npm run bench:telemetry                     # 10 s per measurement, 2 rounds
 *   BENCH_SECONDS=5 BENCH_ROUNDS=3 npm run bench:telemetry
 *   BENCH_ON='{ metrics: true }' npm run bench:telemetry   # one part of telemetry only
 *   BENCH_OFF="{ tracing: { otlp: '\$OTLP', sampleRatio: 0 } }" npm run bench:telemetry   # another baseline
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { wrk, type WrkOptions, type WrkResult } from '../lib/wrk.js';
import { processTreeCpuSeconds } from '../proxy/process-cpu.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);
const warmup = Number(process.env['BENCH_WARMUP'] ?? 5);
const connections = 32;
const workers = Number(process.env['BENCH_WORKERS'] ?? 1);
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

async function startChild(args: string[], ready: (line: string) => string | undefined): Promise<{ value: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  for await (const line of createInterface({ input: args[0] === '-e' ? child.stdout! : child.stderr! })) {
    const value = ready(line);
    if (value !== undefined) return { value, child };
  }
  throw new Error(`${args.join(' ')} exited before it was ready`);
}

async function startGateway(dir: string, name: string, servicePort: number, telemetry: string): Promise<{ url: string; child: ChildProcess }> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `listen: 127.0.0.1:0\naccessLog: off\nadmin: { listen: 127.0.0.1:0 }\nupstreams:\n  svc: { type: http, endpoints: [http://127.0.0.1:${servicePort}] }\nroutes:\n  - get: /api/{id}\n    to: svc\n    name: api\ntelemetry: ${telemetry}\n`);
  const { value, child } = await startChild([bin, 'serve', '-c', file, '--log-level', 'info', '--workers', String(workers)], (line) => {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[] };
    return entry.msg === 'switchyard listening' ? (entry.listen?.[0] ?? '') : undefined;
  });
  return { url: value, child };
}

interface Measured {
  readonly r: WrkResult;
  /** The gateway's CPU seconds (its whole process tree) during the run. */
  readonly cpu: number;
  readonly requests: number;
}

/** One wrk run against a gateway, with the CPU the gateway spent on it. */
async function measure(gw: { url: string; child: ChildProcess }, options: WrkOptions): Promise<Measured> {
  const before = await processTreeCpuSeconds(gw.child.pid as number);
  const r = await wrk(`${gw.url}/api/1`, options);
  const cpu = (await processTreeCpuSeconds(gw.child.pid as number)) - before;
  return { r, cpu, requests: r.requestsPerSecond * options.durationSeconds };
}

/** Median, lowest and highest of per-round ratios. */
function spread(ratios: number[]): string {
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return `median ${median.toFixed(3)}, from ${(sorted[0] as number).toFixed(3)} to ${(sorted.at(-1) as number).toFixed(3)}`;
}

const row = (name: string, r: WrkResult, cpuUs: number) =>
  `${name.padEnd(16)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   ${cpuUs.toFixed(1).padStart(6)} µs CPU/request   failures ${r.failures}`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-telemetry-'));
  // The collector: accepts every export (what a healthy Jaeger or collector does).
  let exports = 0;
  const sink = createServer((req, res) => {
    req.resume().on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const otlp = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
  const service = await startChild(
    ['-e', `const s=require('node:http').createServer((q,r)=>r.end('{"ok":true}'));s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`],
    (line) => line,
  );
  const port = Number(service.value);
  // BENCH_OFF sets the baseline side's `telemetry:` (default all off), e.g. tracing at ratio 0
  // against BENCH_ON's 0.1 to see what sampled spans cost.
  const offConfig = (process.env['BENCH_OFF'] ?? '{ metrics: false }').replace('$OTLP', otlp);
  const off = await startGateway(dir, 'off', port, offConfig);
  // BENCH_ON sets the measured side's `telemetry:` to find what each part costs, e.g.
  // '{ metrics: true }' or "{ tracing: { otlp: '$OTLP', sampleRatio: 0 } }".
  const onConfig = (process.env['BENCH_ON'] ?? `{ tracing: { otlp: '$OTLP', sampleRatio: 0.1 } }`).replace('$OTLP', otlp);
  const on = await startGateway(dir, 'on', port, onConfig);
  console.log(`telemetry on: ${onConfig}; off: ${offConfig}`);
  console.log(`wrk ${connections} connections, ${seconds}s per run, ${rounds} rounds alternating; upstream: a node http service in its own process`);
  try {
    await wrk(`${off.url}/api/1`, { connections, durationSeconds: warmup });
    await wrk(`${on.url}/api/1`, { connections, durationSeconds: warmup });
    const totals = { off: { rps: 0, cpu: 0, requests: 0 }, on: { rps: 0, cpu: 0, requests: 0 } };
    // Each round runs off and on back to back: their ratio is least touched by the machine's drift.
    const paired: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const round = { off: 0, on: 0 };
      for (const [name, gw] of i % 2 === 0 ? ([['off', off], ['on', on]] as const) : ([['on', on], ['off', off]] as const)) {
        const { r, cpu, requests } = await measure(gw, { connections, durationSeconds: seconds });
        totals[name].rps += r.requestsPerSecond;
        totals[name].cpu += cpu;
        totals[name].requests += requests;
        round[name] = r.requestsPerSecond;
        console.log(row(`telemetry ${name}`, r, (cpu / requests) * 1e6));
      }
      paired.push(round.on / round.off);
    }
    const rps = totals.on.rps / totals.off.rps;
    const cpu = totals.on.cpu / totals.on.requests / (totals.off.cpu / totals.off.requests);
    console.log(`\ntelemetry on / off: ${rps.toFixed(3)} of the req/s (${((1 - rps) * 100).toFixed(1)}% lower), ${cpu.toFixed(3)}x the gateway CPU per request`);
    console.log(`rounds paired: ${spread(paired)}`);

    // Side by side: both gateways loaded at once, half the connections each, so whatever the
    // machine does in that moment it does to both; each gets the share of the CPU the scheduler
    // gives it, and does as many requests with it as its cost per request allows.
    console.log(`\nside by side: ${connections / 2} connections on each gateway at once, ${seconds}s, ${rounds} rounds`);
    const sideBySide: number[] = [];
    const sideBySideCpu: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const [mOff, mOn] = (await Promise.all([off, on].map((gw) => measure(gw, { connections: connections / 2, threads: 1, durationSeconds: seconds })))) as [Measured, Measured];
      console.log(row('telemetry off', mOff.r, (mOff.cpu / mOff.requests) * 1e6));
      console.log(row('telemetry on', mOn.r, (mOn.cpu / mOn.requests) * 1e6));
      sideBySide.push(mOn.r.requestsPerSecond / mOff.r.requestsPerSecond);
      sideBySideCpu.push(mOn.cpu / mOn.requests / (mOff.cpu / mOff.requests));
    }
    console.log(`\nside by side on/off req/s: ${spread(sideBySide)}`);
    console.log(`side by side on/off gateway CPU per request: ${spread(sideBySideCpu)}`);
    console.log(`OTLP exports received: ${exports}`);
  } finally {
    for (const c of [off.child, on.child, service.child]) c.kill('SIGTERM');
    sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
