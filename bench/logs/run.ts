/**
 * `npm run bench:logs`: times `switchyard logs` against GoAccess, the article's Go program
 * (top-ips.go) and an awk | sort | uniq pipeline on the same generated nginx combined log, in the
 * same run, and prints the ratios. Tools run in a rotating order so that none always gets a cold
 * or a warm page cache. Wall time is what a user waits; CPU time (user + system, GNU time) shows
 * the cost on a shared machine where wall time is noisy; peak RSS is the largest process's.
 * The log is generated once per line count into bench/.cache/ and reused.
 * Options: --lines N (default 5000000, the size), --runs N (3).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateLog } from './generate-log.js';

const execFileP = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const CACHE = join(ROOT, 'bench/.cache');
const RUN_TIMEOUT_MS = 300_000;
/** The memory target for the full report. */
const MAX_RSS_MB = 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

interface Measure {
  readonly wall: number;
  readonly cpu: number;
  /** Peak resident set of the largest process, MB. */
  readonly rssMb: number;
}

/**
 * Runs a command with its output discarded under GNU time, which reports wall and CPU seconds
 * and the peak RSS (getrusage of the waited-for children: the largest process of a pipeline).
 */
function measure(cmd: readonly string[], dir: string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const report = join(dir, 'time.txt');
    // stderr is kept for the error message only: GoAccess draws its progress there.
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', report, 'bash', '-c', '"$@" > /dev/null', 'bash', ...cmd], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${cmd.join(' ')} failed (exit ${code}): ${err.slice(-500)}`));
      void readFile(report, 'utf8').then((text) => {
        const [wall, user, sys, rssKb] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number) as [number, number, number, number];
        resolve({ wall, cpu: user + sys, rssMb: rssKb / 1024 });
      }, reject);
    });
  });
}

/** The generated log for this many lines, made once and kept in bench/.cache (git-ignored). */
async function cachedLog(lines: number): Promise<{ path: string; bytes: number }> {
  const path = join(CACHE, `combined-${lines}.log`);
  if (!existsSync(path)) {
    await mkdir(CACHE, { recursive: true });
    console.log(`generating ${lines} lines into ${path} (once)...`);
    await generateLog(`${path}.tmp`, lines);
    await rename(`${path}.tmp`, path); // a run cut short leaves no half file behind
  }
  return { path, bytes: (await stat(path)).size };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const lines = arg('--lines', 5_000_000);
  const runs = arg('--runs', 3);
  const { path: log, bytes } = await cachedLog(lines);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-logs-'));
  try {
    const goBinary = join(dir, 'top-ips');
    await execFileP('go', ['build', '-o', goBinary, join(ROOT, 'bench/logs/top-ips.go')], {
      env: { ...process.env, GOCACHE: join(dir, 'gocache'), GOPATH: join(dir, 'gopath'), GO111MODULE: 'off' },
    });
    const tools: Record<string, readonly string[]> = {
      'switchyard logs': [process.execPath, BIN, 'logs', log, '--output', 'json'],
      'switchyard logs --jobs 1': [process.execPath, BIN, 'logs', log, '--output', 'json', '--jobs', '1'],
      goaccess: ['goaccess', log, '--log-format=COMBINED', '--no-global-config', '-o', join(dir, 'goaccess.json')],
      'article Go program': [goBinary, log],
      'awk | sort | uniq': ['bash', '-c', `awk '{print $1}' "$0" | sort | uniq -c | sort -rn | head`, log],
    };

    // Same answers first: a fast wrong tool is no benchmark.
    const ours = JSON.parse((await execFileP(process.execPath, [BIN, 'logs', log, '--output', 'json'], { maxBuffer: 1 << 26 })).stdout) as {
      summary: { requests: number };
      clients: { key: string; requests: number }[];
    };
    // starts: go (the article's program, built above with `go build`)
    const go = (await execFileP(goBinary, [log])).stdout;
    const goTop = /^1\. (\S+) -> (\d+)$/m.exec(go);
    if (goTop?.[2] !== String(ours.clients[0]?.requests)) throw new Error(`top client differs: Go says ${goTop?.[0]}, switchyard ${JSON.stringify(ours.clients[0])}`);

    const names = Object.keys(tools);
    const results = new Map<string, Measure[]>(names.map((n) => [n, []]));
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + r) % names.length] as string;
        (results.get(name) as Measure[]).push(await measure(tools[name] as readonly string[], dir));
      }
    }
    const ga = JSON.parse(await readFile(join(dir, 'goaccess.json'), 'utf8')) as { general: { valid_requests: number } };
    if (ga.general.valid_requests !== ours.summary.requests) throw new Error(`GoAccess read ${ga.general.valid_requests} requests, switchyard ${ours.summary.requests}`);

    const mb = bytes / 1e6;
    console.log(`log: ${lines} lines, ${mb.toFixed(0)} MB nginx combined; ${runs} runs each, median; ${availableParallelism()} cores`);
    console.log('tool                        wall s   cpu s   MB/s wall   MB/s cpu   peak RSS MB');
    const wallOf = (n: string): number => median((results.get(n) as Measure[]).map((m) => m.wall));
    const rssOf = (n: string): number => Math.max(...(results.get(n) as Measure[]).map((m) => m.rssMb));
    for (const name of names) {
      const ms = results.get(name) as Measure[];
      const wall = wallOf(name);
      const cpu = median(ms.map((m) => m.cpu));
      console.log(
        `${name.padEnd(26)} ${wall.toFixed(2).padStart(7)} ${cpu.toFixed(2).padStart(7)} ${(mb / wall).toFixed(0).padStart(11)} ${(mb / cpu).toFixed(0).padStart(10)} ${rssOf(name).toFixed(0).padStart(13)}`,
      );
    }
    const ourWall = wallOf('switchyard logs');
    const ratio = (n: string): string => `${(wallOf(n) / ourWall).toFixed(2)}x`;
    console.log(
      `switchyard logs is ${ratio('goaccess')} as fast as GoAccess (target 30x), ${ratio('article Go program')} as fast as the article's Go program (target 1.5x) and ${ratio('awk | sort | uniq')} as fast as awk | sort | uniq (wall time; > 1 means faster)`,
    );
    const rss = rssOf('switchyard logs');
    console.log(`switchyard logs peak RSS ${rss.toFixed(0)} MB (target under ${MAX_RSS_MB} MB): ${rss < MAX_RSS_MB ? 'met' : 'NOT met'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
