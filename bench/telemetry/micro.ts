/**
 * bench:telemetry:micro — telemetry's own cost per request, without the network: the channel
 * messages of one proxied request (start, attempt start and end, end) published in a loop to
 * the real subscribers, for each configuration. On a shared machine this moves far less than a
 * wrk run; compare it with the gateway's CPU per request from `bench:telemetry`.
 *
 * Besides CPU it prints the heap bytes telemetry allocates per request (sampled by V8's heap
 * profiler, collected objects included, less what the loop itself allocates). Here that garbage
 * is nearly free: nothing else is alive, so a scavenge copies almost nothing. In the gateway each
 * scavenge copies the live objects of every request in flight, so every kilobyte per request
 * costs real time there that this loop does not show.
 *
 *   npm run bench:telemetry:micro
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import type { TelemetryConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { Exchange } from '../../src/listener/exchange.js';
import { channels } from '../../src/telemetry/channels.js';
import { startTelemetry } from '../../src/telemetry/telemetry.js';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 200_000);
const ALLOC_REQUESTS = 50_000;
const route = { name: 'api', path: '/api/{id}' };
// Only the fields telemetry reads; the gateway's Exchange carries them too.
const exchange = (i: number) =>
  ({ req: { method: 'GET', headers: { host: 'edge:8080', 'user-agent': 'wrk' }, httpVersion: '1.1' }, res: { statusCode: 200 }, path: '/api/1', socket: { localPort: 8080 }, remoteAddress: '127.0.0.1', match: { route }, upstream: 'svc', id: `r${i}`, telemetryState: undefined }) as unknown as Exchange;

/** Heap bytes allocated while `fn` runs, from V8's sampling heap profiler (objects already collected included). */
async function allocated(fn: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    fn();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let bytes = 0;
    const walk = (node: typeof profile.head): void => {
      bytes += node.selfSize;
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    return bytes;
  } finally {
    session.disconnect();
  }
}

/**
 * The measured loop: requests in groups of 200, yielding to the event loop between groups so
 * batches go out as they would in the gateway (a loop that never yields fills the span queue,
 * and from then on measures only the dropping of spans).
 */
async function runYielding(n: number): Promise<void> {
  for (let done = 0; done < n; done += 200) {
    run(Math.min(200, n - done));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function run(n: number): void {
  for (let i = 0; i < n; i++) {
    const e = exchange(i);
    channels.requestStart.publish({ exchange: e });
    const start = { exchange: e, upstream: 'svc', attempt: 1, endpoint: 'http://127.0.0.1:8081', carrier: {} };
    channels.upstreamAttemptStart.publish(start);
    channels.upstreamAttemptEnd.publish({ start, statusCode: 200 });
    channels.requestEnd.publish({ exchange: e, durationNs: 2_000_000n });
  }
}

async function main(): Promise<void> {
  // The collector runs in its own process: its CPU is not telemetry's.
  const sink = spawn(process.execPath, ['-e', `const s=require('node:http').createServer((q,r)=>q.resume().on('end',()=>r.end()));s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(createInterface({ input: sink.stdout! }), 'line')) as [string];
  const otlp = `http://127.0.0.1:${port}/v1/traces`;
  const heatmap = { slice: 1_000, keep: 900_000 };
  const configs: [string, TelemetryConfig][] = [
    ['metrics only', { metrics: true, tracing: undefined, heatmap }],
    ['tracing 0', { metrics: false, tracing: { otlp, sampleRatio: 0, serviceName: 'bench' }, heatmap }],
    ['tracing 0.1', { metrics: false, tracing: { otlp, sampleRatio: 0.1, serviceName: 'bench' }, heatmap }],
    ['tracing 1', { metrics: false, tracing: { otlp, sampleRatio: 1, serviceName: 'bench' }, heatmap }],
    ['metrics + 0.1', { metrics: true, tracing: { otlp, sampleRatio: 0.1, serviceName: 'bench' }, heatmap }],
  ];
  const gateway = { runtime: { config: { upstreams: new Map() }, upstreams: new Map() } } as unknown as Gateway;
  console.log(`${REQUESTS} requests per configuration; µs of CPU per request (export included), heap bytes allocated per request`);
  // What the loop allocates itself once subscribers keep its messages (the exchanges and messages
  // escape, as they do in the gateway): subtracted from each configuration's bytes.
  const keep = (message: unknown) => void kept.push(message);
  const kept: unknown[] = [];
  for (const c of Object.values(channels)) c.subscribe(keep);
  const loopBytes = await allocated(() => run(ALLOC_REQUESTS));
  for (const c of Object.values(channels)) c.unsubscribe(keep);
  kept.length = 0;
  for (const [name, config] of configs) {
    const telemetry = startTelemetry(config, gateway, pino({ level: 'silent' }));
    run(20_000);
    const bytes = (await allocated(() => run(ALLOC_REQUESTS))) - loopBytes;
    const before = process.cpuUsage();
    await runYielding(REQUESTS);
    await telemetry?.stop(); // flushes the last spans, so their export is counted
    const cpu = process.cpuUsage(before);
    console.log(`${name.padEnd(16)} ${((cpu.user + cpu.system) / REQUESTS).toFixed(2).padStart(6)} µs/request ${(bytes / ALLOC_REQUESTS).toFixed(0).padStart(6)} bytes/request`);
  }
  sink.kill();
}

await main();
