/**
 * bench:grpc — native gRPC through Switchyard's grpc upstream against the same grpc-js client
 * calling the service directly, on a small unary message (32 bytes each way). The client keeps
 * BENCH_CONCURRENCY calls in flight on one channel for BENCH_SECONDS, the two targets in turns
 * for BENCH_ROUNDS rounds, each target's median round reported: req/s, p50, p99, the ratio of
 * passthrough to direct req/s, and CPU per request of the gateway (all its processes, from /proc)
 * beside the upstream's own. A bare node:http2 relay (h2-relay.ts) in the same rounds shows what
 * any Node relay pays per call, as bench:proxy's TCP relay row does. The service answers the request bytes as they came, so the figures
 * are the transport's.
 *
 *   npm run bench:grpc
 *   BENCH_SECONDS=3 BENCH_ROUNDS=3 BENCH_CONCURRENCY=32 npm run bench:grpc
 *   BENCH_PROFILE=/tmp/prof BENCH_ONLY=passthrough npm run bench:grpc   (a --cpu-prof profile of the gateway, one path)
 *   BENCH_BASELINE=/tmp/before npm run bench:grpc   (another build's gateway in the same rounds)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { processTreeCpuSeconds } from '../proxy/process-cpu.js';
import { loadRest } from './rest-load.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const serverScript = fileURLToPath(new URL('./server.js', import.meta.url));
const relayScript = fileURLToPath(new URL('./h2-relay.js', import.meta.url));
const PAYLOAD = Buffer.alloc(32, 0x61);
// `serve --workers 1` runs the gateway in the CLI's process, which does not get the workers' young
// generation size (src/process/worker-flags.ts); docs/resilience.md says to pass it so, as here.
// BENCH_BASELINE_FLAGS sets the baseline gateway's own (e.g. '' to see what the setting is worth).
const GATEWAY_FLAGS = ['--max-semi-space-size=64'];
const BASELINE_FLAGS = (process.env['BENCH_BASELINE_FLAGS'] ?? GATEWAY_FLAGS.join(' ')).split(' ').filter((f) => f !== '');
// The transcoded row's binding (bench/grpc/protos/bench/echo.proto), read from the source tree.
const protos = fileURLToPath(new URL('../../../bench/grpc/protos', import.meta.url));

interface Child {
  readonly child: ChildProcess;
  readonly line: string;
}

/** Spawns node with `args` and waits for the first line of `stream` that `ready` accepts. */
async function startNode(args: string[], stream: 'stdout' | 'stderr', ready: (line: string) => boolean, children: ChildProcess[]): Promise<Child> {
  // The children's other output is dropped: an inherited pipe would keep a caller's pipeline open.
  const child = spawn(process.execPath, args, { stdio: ['ignore', stream === 'stdout' ? 'pipe' : 'ignore', stream === 'stderr' ? 'pipe' : 'ignore'] });
  children.push(child);
  const seen: string[] = [];
  for await (const line of createInterface({ input: (stream === 'stdout' ? child.stdout : child.stderr) as NodeJS.ReadableStream })) {
    if (ready(line)) return { child, line };
    seen.push(line);
  }
  throw new Error(`${args.join(' ')} exited before it was ready:\n${seen.slice(-5).join('\n')}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Round {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  readonly requests: number;
}

/** Keeps `concurrency` calls in flight for `seconds` on one channel to `target`. */
async function load(target: string, ms: number): Promise<Round> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  const latencies: number[] = [];
  let failures = 0;
  const end = performance.now() + ms;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const start = performance.now();
      client.makeUnaryRequest('/bench.Echo/Echo', (b: Buffer) => b, (b: Buffer) => b, PAYLOAD, (err) => {
        if (err) failures++;
        else latencies.push(performance.now() - start);
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  client.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), failures, requests: latencies.length + failures };
}

const median = (xs: readonly Round[]): Round => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)] as Round;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-bench-grpc-'));
  // Every child is stopped whatever happens, also when one fails to start.
  const children: ChildProcess[] = [];
  try {
    await measure(dir, children);
  } finally {
    for (const c of children.reverse()) await stop(c);
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string, children: ChildProcess[]): Promise<void> {
  const upstream = await startNode([serverScript], 'stdout', (l) => l.startsWith('listening '), children);
  const port = Number(upstream.line.split(' ')[1]);
  const file = join(dir, 'switchyard.yaml');
  await writeFile(file, `listen: 127.0.0.1:0\naccessLog: off\ntelemetry: { metrics: false }\nupstreams:\n  svc: { type: grpc, endpoints: [h2c://127.0.0.1:${port}], proto: { files: [bench/echo.proto], importPaths: ['${protos}'] }, transcode: true }\nroutes:\n  - post: /bench.Echo/{method}\n    to: svc\n`);
  // BENCH_PROFILE=DIR writes a V8 CPU profile of the gateway process into DIR when it stops.
  const profile = process.env['BENCH_PROFILE'];
  const profileArgs = profile === undefined || profile === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  const gateway = await startNode([...GATEWAY_FLAGS, ...profileArgs, bin, 'serve', '-c', file, '--workers', '1', '--log-level', 'info'], 'stderr', (l) => l.includes('switchyard listening'), children);
  const gatewayAddress = new URL((JSON.parse(gateway.line) as { listen: string[] }).listen[0] as string).host;
  // BENCH_BASELINE=DIR runs a second gateway from another build (DIR/dist/src/cli/bin.js, beside
  // that build's package.json, schema/ and node_modules) in the same rounds: before and after a change, side by side.
  const baselineDir = process.env['BENCH_BASELINE'] ?? '';
  const baseline =
    baselineDir === ''
      ? undefined
      : await startNode([...BASELINE_FLAGS, join(baselineDir, 'dist/src/cli/bin.js'), 'serve', '-c', file, '--workers', '1', '--log-level', 'info'], 'stderr', (l) => l.includes('switchyard listening'), children);
  const baselineAddress = baseline === undefined ? '' : new URL((JSON.parse(baseline.line) as { listen: string[] }).listen[0] as string).host;
  const relay = await startNode([...GATEWAY_FLAGS, relayScript, String(port)], 'stdout', (l) => l.startsWith('listening '), children);
  // BENCH_ONLY=WORD keeps the direct row and the rows whose name holds WORD (one path per profile).
  const only = process.env['BENCH_ONLY'] ?? '';
  const targets = [
    { name: 'direct (grpc-js client -> server)', address: `127.0.0.1:${port}`, pid: upstream.child.pid as number },
    { name: 'bare node:http2 relay (ceiling)', address: `127.0.0.1:${relay.line.split(' ')[1]}`, pid: relay.child.pid as number },
    { name: 'switchyard passthrough', address: gatewayAddress, pid: gateway.child.pid as number },
    { name: 'switchyard transcoded (REST/JSON)', address: gatewayAddress, pid: gateway.child.pid as number, rest: true },
    ...(baseline === undefined
      ? []
      : [
          { name: 'baseline build passthrough', address: baselineAddress, pid: baseline.child.pid as number },
          { name: 'baseline build transcoded (REST/JSON)', address: baselineAddress, pid: baseline.child.pid as number, rest: true },
        ]),
  ].filter((t, i) => i === 0 || t.name.includes(only));
  {
    const run = (t: { address: string; rest?: boolean }, ms: number) => ('rest' in t && t.rest === true ? loadRest(t.address, PAYLOAD, concurrency, ms) : load(t.address, ms));
    for (const t of targets) await run(t, 1_000); // warm-up: sessions, JIT
    const results = new Map<string, { rounds: Round[]; cpu: number[] }>(targets.map((t) => [t.name, { rounds: [], cpu: [] }]));
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        const before = await processTreeCpuSeconds(t.pid);
        const round = await run(t, seconds * 1000);
        const cpu = (await processTreeCpuSeconds(t.pid)) - before;
        const entry = results.get(t.name) as { rounds: Round[]; cpu: number[] };
        entry.rounds.push(round);
        entry.cpu.push((cpu / Math.max(1, round.requests)) * 1e6);
      }
    }
    const direct = median((results.get(targets[0]!.name) as { rounds: Round[] }).rounds);
    process.stdout.write(`bench:grpc  unary, ${PAYLOAD.length}-byte message, ${concurrency} in flight, ${rounds} x ${seconds} s, median round\n\n`);
    process.stdout.write(`${'target'.padEnd(36)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'fail'.padStart(6)}${'x direct'.padStart(10)}${'cpu us/req'.padStart(12)}\n`);
    for (const t of targets) {
      const entry = results.get(t.name) as { rounds: Round[]; cpu: number[] };
      const m = median(entry.rounds);
      const cpu = [...entry.cpu].sort((a, b) => a - b)[Math.floor(entry.cpu.length / 2)] ?? 0;
      process.stdout.write(
        `${t.name.padEnd(36)}${m.rps.toFixed(0).padStart(9)}${m.p50.toFixed(2).padStart(9)}${m.p99.toFixed(2).padStart(9)}${String(m.failures).padStart(6)}${(m.rps / direct.rps).toFixed(2).padStart(10)}${cpu.toFixed(0).padStart(12)}\n`,
      );
    }
    process.stdout.write(`\ncpu us/req: the upstream server's own for the direct row, the relay's or the gateway's (all its processes) for the others.\n`);
  }
}

await main();
