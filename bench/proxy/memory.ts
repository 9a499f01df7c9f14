/**
 * bench:proxy:memory — resident memory of each gateway worker (`serve --workers N`, a plain
 * config: one http route, nothing else) once listening and again after a short wrk run through
 * it, read from /proc (VmRSS of every process under the primary). With BENCH_BASELINE (another
 * built checkout) both builds run in turns in the same rounds, so a change is seen side by side.
 *
 *   BENCH_ROUNDS=3 BENCH_SECONDS=3 BENCH_BASELINE=/path/to/other/checkout npm run bench:proxy:memory
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startNginx } from '../../test/helpers/nginx.js';
import { wrk } from '../lib/wrk.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const workers = Number(process.env['BENCH_WORKERS'] ?? 2);
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const baseline = process.env['BENCH_BASELINE'];

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
}

async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const children = (await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')).trim();
    if (children !== '') out.push(...children.split(' ').map(Number));
  }
  return out;
}

/** The mean RSS of the primary's workers (or of the one process with --workers 1), in MB. */
async function workerRssMb(pid: number): Promise<number> {
  const pids = workers === 1 ? [pid] : await childPids(pid);
  const sizes = await Promise.all(pids.map(rssKb));
  return sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024;
}

async function startSwitchyard(cli: string, file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [cli, 'serve', '-c', file, '--workers', String(workers), '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  for await (const line of createInterface({ input: child.stderr as NodeJS.ReadableStream })) {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[]; workers?: number };
    if (entry.msg === 'switchyard listening' && (workers === 1 || entry.workers === workers) && entry.listen?.[0] !== undefined) return { url: entry.listen[0], child };
  }
  throw new Error(`${cli} exited before listening`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const upstream = await startNginx(`location / { return 200 'hello, world\n'; }`, { workerProcesses: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-memory-'));
  const file = join(dir, 'switchyard.yaml');
  await writeFile(file, `listen: 127.0.0.1:0\naccessLog: off\ntelemetry: { metrics: false }\nupstreams:\n  svc: { type: http, endpoints: [http://127.0.0.1:${upstream.port}] }\nroutes:\n  - any: /{path?}\n    where: { path: '.*' }\n    to: svc\n`);
  const builds: Array<[string, string]> = [['switchyard', bin]];
  if (baseline !== undefined) builds.push(['baseline', join(baseline, 'dist/src/cli/bin.js')]);
  const figures = new Map<string, { start: number[]; after: number[] }>(builds.map(([name]) => [name, { start: [], after: [] }]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [name, cli] of round % 2 === 0 ? builds : [...builds].reverse()) {
        const { url, child } = await startSwitchyard(cli, file);
        try {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const start = await workerRssMb(child.pid as number);
          await wrk(url, { connections: 64, durationSeconds: seconds });
          const after = await workerRssMb(child.pid as number);
          figures.get(name)?.start.push(start);
          figures.get(name)?.after.push(after);
        } finally {
          await stop(child);
        }
      }
    }
  } finally {
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`RSS per worker (--workers ${workers}, one http route), ${rounds} rounds, wrk 64 connections ${seconds}s; median [all rounds] MB`);
  for (const [name, { start, after }] of figures) {
    console.log(`${name.padEnd(11)} at start ${median(start).toFixed(1)} [${start.map((x) => x.toFixed(1)).join(' ')}]   after wrk ${median(after).toFixed(1)} [${after.map((x) => x.toFixed(1)).join(' ')}]`);
  }
}

await main();
