/**
 * bench:fastcgi — Switchyard against nginx in front of the same php-fpm pool (same scripts, same
 * children), measured with wrk in the same run, for a hello-world script and for ~1 ms of PHP
 * work, with clients outnumbering the pool 4x. Prints req/s, p99, failures, the CPU each proxy
 * (its whole process tree) and its php-fpm pool spent per request, and the ratios.
 *
 *   npm run bench:fastcgi                       # 10 s per measurement
 *   BENCH_SECONDS=5 BENCH_CHILDREN=4 npm run bench:fastcgi
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=prof' BENCH_SCRIPTS=hello.php npm run bench:fastcgi
 *   BENCH_SHIELD=compare npm run bench:fastcgi   # also Switchyard with `shield: false` and at paranoia 2, side by side
 *   BENCH_SHIELD=compare BENCH_ROUNDS=6 ...       # then 6 more rounds of the three, in alternating order, and median ratios
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { startPhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startNginx } from '../../test/helpers/nginx.js';
import { wrk, type WrkResult } from '../lib/wrk.js';
import { treeCpuSeconds } from './process-cpu.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const children = Number(process.env['BENCH_CHILDREN'] ?? 8);
const connections = children * 4;
// As many gateway workers as nginx's `worker_processes auto` starts; they share the pool's children.
const workers = Number(process.env['BENCH_WORKERS'] ?? availableParallelism());
/** Extra node flags for the gateway (a profile: `--cpu-prof --cpu-prof-dir=DIR`); workers inherit them. */
const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter((a) => a !== '');
const scripts = (process.env['BENCH_SCRIPTS'] ?? 'hello.php,work.php').split(',');
/** `compare`: two more Switchyards, the shield off and at paranoia 2, each on a pool of its own; their rows and the ratios follow. */
const compareShield = process.env['BENCH_SHIELD'] === 'compare';
/** A query the shield has to read (arguments, one with a leading `-`), as an application's URLs have. */
const query = '?id=42&sort=-created_at&q=red+shoes';
/** With `compare`: extra rounds of the three Switchyards, order alternating, for ratios a loaded machine does not decide. */
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 0);
const root = fileURLToPath(new URL('../../../bench/fastcgi/app', import.meta.url));
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/** The top-level `shield:` of each Switchyard measured: the default (level 1), off, level 2. */
const SHIELD_SETTINGS = { default: '', off: 'shield: false', paranoia2: 'shield: { paranoia: 2 }' } as const;

async function startSwitchyard(socket: string, dir: string, shield: keyof typeof SHIELD_SETTINGS = 'default'): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const file = join(dir, `switchyard-${shield}.yaml`);
  await writeFile(
    file,
    `listen: 127.0.0.1:0
accessLog: off
${SHIELD_SETTINGS[shield]}
upstreams:
  php: { type: fastcgi, address: 'unix:${socket}', root: '${root}', scripts: [hello.php, work.php], maxConnections: ${children} }
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: php
    static: true
`,
  );
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '-c', file, '--log-level', 'info', '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: child.stderr });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[] };
    if (entry.msg === 'switchyard listening') {
      return {
        url: entry.listen?.[0] ?? '',
        pid: child.pid ?? 0,
        stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
      };
    }
  }
  throw new Error('switchyard exited before listening');
}

interface Measured extends WrkResult {
  /** CPU µs per request of the proxy's process tree, and of its php-fpm pool. */
  readonly proxyCpuUs: number;
  readonly phpCpuUs: number;
}

/** One wrk run with the CPU the proxy and its pool spent during it. */
async function measure(url: string, proxyPid: number, poolPid: number): Promise<Measured> {
  const before = [treeCpuSeconds(proxyPid), treeCpuSeconds(poolPid)] as const;
  const r = await wrk(url, { connections, durationSeconds: seconds });
  const after = [treeCpuSeconds(proxyPid), treeCpuSeconds(poolPid)] as const;
  const perRequest = (i: 0 | 1) => (r.requests === 0 ? NaN : ((after[i] - before[i]) / r.requests) * 1e6);
  return { ...r, proxyCpuUs: perRequest(0), phpCpuUs: perRequest(1) };
}

function row(name: string, r: Measured): string {
  return `${name.padEnd(24)} ${r.requestsPerSecond.toFixed(0).padStart(9)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(7)} ms   p99 ${r.p99Ms.toFixed(2).padStart(7)} ms   failures ${r.failures}   cpu/req proxy ${r.proxyCpuUs.toFixed(0).padStart(4)} µs, php-fpm ${r.phpCpuUs.toFixed(0).padStart(4)} µs`;
}

/**
 * Rounds of back-to-back runs of Switchyard with the shield at level 1, off and at level 2, the
 * order reversed every round so a burst of load elsewhere does not always land on the same one;
 * prints each round's ratios to the shield-off run and their medians.
 */
async function shieldRounds(targets: readonly [string, string, number, number][]): Promise<void> {
  const ratios = new Map<string, { rps: number[]; cpu: number[] }>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const got = new Map<string, Measured>();
    for (const [name, url, proxyPid, poolPid] of order) got.set(name, await measure(url, proxyPid, poolPid));
    const off = got.get('switchyard no shield') as Measured;
    const line: string[] = [];
    for (const [name, r] of got) {
      if (name === 'switchyard no shield') continue;
      const entry = ratios.get(name) ?? { rps: [], cpu: [] };
      entry.rps.push(r.requestsPerSecond / off.requestsPerSecond);
      entry.cpu.push(r.proxyCpuUs / off.proxyCpuUs);
      ratios.set(name, entry);
      line.push(`${name} / off: req/s ${(r.requestsPerSecond / off.requestsPerSecond).toFixed(3)}x, cpu/req ${(r.proxyCpuUs / off.proxyCpuUs).toFixed(3)}x`);
    }
    console.log(`round ${round + 1}: off ${off.requestsPerSecond.toFixed(0)} req/s ${off.proxyCpuUs.toFixed(0)} µs; ${line.join('; ')}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  for (const [name, r] of ratios) console.log(`median of ${rounds} rounds, ${name} / off: req/s ${median(r.rps).toFixed(3)}x, proxy cpu/req ${median(r.cpu).toFixed(3)}x`);
}

async function nginxPid(dir: string): Promise<number> {
  return Number((await readFile(join(dir, 'nginx.pid'), 'utf8')).trim());
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-fastcgi-'));
  // One identical pool per proxy: a proxy's idle kept connection pins a php-fpm child, so a
  // shared pool would measure whoever held the children first.
  const pools = await Promise.all((compareShield ? [0, 1, 2, 3, 4] : [0, 1, 2]).map(() => startPhpFpm({ root, children })));
  const [plainPool, keepPool, switchyardPool, unshieldedPool, paranoidPool] = pools as [(typeof pools)[0], (typeof pools)[0], (typeof pools)[0], (typeof pools)[0] | undefined, (typeof pools)[0] | undefined];
  const location = (pass: string, keep: boolean) => `root ${root};
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      ${keep ? 'fastcgi_keep_conn on;' : ''}
      fastcgi_pass ${pass};
    }`;
  const tuned = { workerProcesses: 'auto' as const, workerConnections: 1024 };
  const nginxPlain = await startNginx(location(`unix:${plainPool.socketPath}`, false), tuned);
  const nginxKeep = await startNginx(location('php', true), { ...tuned, http: `upstream php { server unix:${keepPool.socketPath}; keepalive ${children}; }` });
  const sy = await startSwitchyard(switchyardPool.socketPath, dir);
  const bare = unshieldedPool === undefined ? undefined : await startSwitchyard(unshieldedPool.socketPath, dir, 'off');
  const paranoid = paranoidPool === undefined ? undefined : await startSwitchyard(paranoidPool.socketPath, dir, 'paranoia2');
  console.log(`php-fpm pm=static children=${children} (one identical pool each); wrk ${connections} connections, ${seconds}s per run`);
  console.log(`nginx: worker_processes auto; "nginx" is the stock fastcgi_pass, "nginx keep-alive" adds fastcgi_keep_conn + upstream keepalive; switchyard: ${workers} worker(s) (BENCH_WORKERS), maxConnections split between them`);
  try {
    const pids = { plain: await nginxPid(nginxPlain.dir), keep: await nginxPid(nginxKeep.dir) };
    for (const script of scripts) {
      const targets: [string, string, number, number][] = [
        ['nginx', `http://127.0.0.1:${nginxPlain.port}/${script}`, pids.plain, plainPool.pid],
        ['nginx keep-alive', `http://127.0.0.1:${nginxKeep.port}/${script}`, pids.keep, keepPool.pid],
        ['switchyard', `${sy.url}/${script}${compareShield ? query : ''}`, sy.pid, switchyardPool.pid],
      ];
      if (bare !== undefined && unshieldedPool !== undefined) targets.push(['switchyard no shield', `${bare.url}/${script}${query}`, bare.pid, unshieldedPool.pid]);
      if (paranoid !== undefined && paranoidPool !== undefined) targets.push(['switchyard paranoia 2', `${paranoid.url}/${script}${query}`, paranoid.pid, paranoidPool.pid]);
      const results = new Map<string, Measured>();
      for (const [name, url, proxyPid, poolPid] of targets) {
        await wrk(url, { connections, durationSeconds: 2 }); // warm up
        results.set(name, await measure(url, proxyPid, poolPid));
      }
      console.log(`\n${script}`);
      for (const [name, r] of results) console.log(row(name, r));
      const s = results.get('switchyard') as Measured;
      for (const name of ['nginx', 'nginx keep-alive']) {
        const n = results.get(name) as Measured;
        console.log(
          `switchyard / ${name}: req/s ${(s.requestsPerSecond / n.requestsPerSecond).toFixed(2)}x, p99 ${(s.p99Ms / n.p99Ms).toFixed(2)}x, proxy cpu/req ${(s.proxyCpuUs / n.proxyCpuUs).toFixed(2)}x`,
        );
      }
      const b = results.get('switchyard no shield');
      if (b !== undefined) {
        console.log(`shield on / off: req/s ${(s.requestsPerSecond / b.requestsPerSecond).toFixed(3)}x, p99 ${(s.p99Ms / b.p99Ms).toFixed(2)}x, proxy cpu/req ${(s.proxyCpuUs / b.proxyCpuUs).toFixed(3)}x`);
        const p = results.get('switchyard paranoia 2');
        if (p !== undefined) console.log(`shield level 2 / off: req/s ${(p.requestsPerSecond / b.requestsPerSecond).toFixed(3)}x, p99 ${(p.p99Ms / b.p99Ms).toFixed(2)}x, proxy cpu/req ${(p.proxyCpuUs / b.proxyCpuUs).toFixed(3)}x`);
      }
      if (rounds > 0) await shieldRounds(targets.filter(([name]) => name.startsWith('switchyard')));
    }
  } finally {
    await sy.stop();
    await bare?.stop();
    await paranoid?.stop();
    await nginxPlain.stop();
    await nginxKeep.stop();
    await Promise.all(pools.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
