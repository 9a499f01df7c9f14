/**
 * `npm run bench:logs`: times `switchyard logs` against GoAccess and against the article's Go
 * program (top-ips.go) on the same generated nginx combined log, in the same run, and prints the
 * ratios. Tools run in a rotating order so that none always gets a cold or a warm page cache.
 * Wall time is what a user waits; CPU time (from bash `times`, children) shows the cost on a
 * shared machine where wall time is noisy. Options: --lines N (default 1000000), --runs N (3).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateLog } from './generate-log.js';

const execFileP = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const RUN_TIMEOUT_MS = 300_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

interface Measure {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs a command with its output discarded; bash `times` reports the children's CPU seconds. */
function measure(cmd: readonly string[]): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // stderr is kept for the error message only: GoAccess draws its progress there.
    const child = spawn('bash', ['-c', '"$@" > /dev/null || exit 1; times', 'bash', ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const wall = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${cmd.join(' ')} failed (exit ${code}): ${err.slice(-500)}`));
      // `times` prints shell then children, each "user system": "0m1.234s 0m0.100s".
      const children = out.trim().split('\n').pop() ?? '';
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve({ wall, cpu: secs.reduce((a, b) => a + b, 0) });
    });
  });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const lines = arg('--lines', 1_000_000);
  const runs = arg('--runs', 3);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-logs-'));
  try {
    const log = join(dir, 'access.log');
    const bytes = await generateLog(log, lines);
    const goBinary = join(dir, 'top-ips');
    await execFileP('go', ['build', '-o', goBinary, join(ROOT, 'bench/logs/top-ips.go')], {
      env: { ...process.env, GOCACHE: join(dir, 'gocache'), GOPATH: join(dir, 'gopath'), GO111MODULE: 'off' },
    });
    const tools: Record<string, readonly string[]> = {
      'switchyard logs': [process.execPath, BIN, 'logs', log, '--output', 'json'],
      'switchyard logs --jobs 1': [process.execPath, BIN, 'logs', log, '--output', 'json', '--jobs', '1'],
      goaccess: ['goaccess', log, '--log-format=COMBINED', '--no-global-config', '-o', join(dir, 'goaccess.json')],
      'article Go program': [goBinary, log],
    };

    // Same answers first: a fast wrong tool is no benchmark.
    const ours = JSON.parse((await execFileP(process.execPath, [BIN, 'logs', log, '--output', 'json'], { maxBuffer: 1 << 26 })).stdout) as {
      summary: { requests: number };
      clients: { key: string; requests: number }[];
    };
    const go = (await execFileP(goBinary, [log])).stdout;
    const goTop = /^1\. (\S+) -> (\d+)$/m.exec(go);
    if (goTop?.[2] !== String(ours.clients[0]?.requests)) throw new Error(`top client differs: Go says ${goTop?.[0]}, switchyard ${JSON.stringify(ours.clients[0])}`);

    const names = Object.keys(tools);
    const results = new Map<string, Measure[]>(names.map((n) => [n, []]));
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + r) % names.length] as string;
        (results.get(name) as Measure[]).push(await measure(tools[name] as readonly string[]));
      }
    }
    const ga = JSON.parse(await readFile(join(dir, 'goaccess.json'), 'utf8')) as { general: { valid_requests: number } };
    if (ga.general.valid_requests !== ours.summary.requests) throw new Error(`GoAccess read ${ga.general.valid_requests} requests, switchyard ${ours.summary.requests}`);

    const mb = bytes / 1e6;
    console.log(`log: ${lines} lines, ${mb.toFixed(0)} MB nginx combined; ${runs} runs each, median; ${availableParallelism()} cores`);
    console.log('tool                        wall s   cpu s    MB/s (wall)');
    const wallOf = (n: string): number => median((results.get(n) as Measure[]).map((m) => m.wall));
    for (const name of names) {
      const ms = results.get(name) as Measure[];
      const wall = wallOf(name);
      const cpu = median(ms.map((m) => m.cpu));
      console.log(`${name.padEnd(26)} ${wall.toFixed(2).padStart(7)} ${cpu.toFixed(2).padStart(7)} ${(mb / wall).toFixed(0).padStart(8)}`);
    }
    const ourWall = wallOf('switchyard logs');
    console.log(`switchyard logs is ${(wallOf('goaccess') / ourWall).toFixed(2)}x as fast as GoAccess and ${(wallOf('article Go program') / ourWall).toFixed(2)}x as fast as the article's Go program (wall time; > 1 means faster)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
