/**
 * bench:telemetry:micro — telemetry's own cost per request, without the network: the channel
 * messages of one proxied request (start, attempt start and end, end) published in a loop to
 * the real subscribers, for each configuration. On a shared machine this moves far less than a
 * wrk run; compare it with the gateway's CPU per request from `bench:telemetry`.
 *
 *   npm run bench:telemetry:micro
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { TelemetryConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { Exchange } from '../../src/listener/exchange.js';
import { channels } from '../../src/telemetry/channels.js';
import { startTelemetry } from '../../src/telemetry/telemetry.js';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 200_000);
const route = { name: 'api', path: '/api/{id}' };
// Only the fields telemetry reads; the gateway's Exchange carries them too.
const exchange = (i: number) =>
  ({ req: { method: 'GET', headers: { host: 'edge:8080', 'user-agent': 'wrk' }, httpVersion: '1.1' }, res: { statusCode: 200 }, path: '/api/1', socket: { localPort: 8080 }, remoteAddress: '127.0.0.1', match: { route }, upstream: 'svc', id: `r${i}` }) as unknown as Exchange;

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
  const sink = createServer((req, res) => req.resume().on('end', () => res.end()));
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const otlp = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
  const heatmap = { slice: 1_000, keep: 900_000 };
  const configs: [string, TelemetryConfig][] = [
    ['metrics only', { metrics: true, tracing: undefined, heatmap }],
    ['tracing 0', { metrics: false, tracing: { otlp, sampleRatio: 0, serviceName: 'bench' }, heatmap }],
    ['tracing 0.1', { metrics: false, tracing: { otlp, sampleRatio: 0.1, serviceName: 'bench' }, heatmap }],
    ['tracing 1', { metrics: false, tracing: { otlp, sampleRatio: 1, serviceName: 'bench' }, heatmap }],
    ['metrics + 0.1', { metrics: true, tracing: { otlp, sampleRatio: 0.1, serviceName: 'bench' }, heatmap }],
  ];
  const gateway = { runtime: { config: { upstreams: new Map() }, upstreams: new Map() } } as unknown as Gateway;
  console.log(`${REQUESTS} requests per configuration; µs of CPU per request (export included)`);
  for (const [name, config] of configs) {
    const telemetry = startTelemetry(config, gateway, pino({ level: 'silent' }));
    run(20_000);
    const before = process.cpuUsage();
    run(REQUESTS);
    await telemetry?.stop(); // flushes the last spans, so their export is counted
    const cpu = process.cpuUsage(before);
    console.log(`${name.padEnd(16)} ${((cpu.user + cpu.system) / REQUESTS).toFixed(2).padStart(6)} µs/request`);
  }
  sink.close();
}

await main();
