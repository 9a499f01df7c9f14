/**
 * bench:disruption — what clients see while the operator works: a reload every second, and
 * php-fpm restarted (SIGQUIT, down for a second, started again) mid-run. Switchyard and nginx
 * stand in front of identical php-fpm pools and are loaded by wrk in the same run; the figure
 * that matters is failed requests (non-2xx and socket errors), which should be 0.
 *
 *   npm run bench:disruption                      # 60 s of reloads, 10 s around the restart
 *   BENCH_SECONDS=20 BENCH_WORKERS=2 npm run bench:disruption
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startNginx } from '../../test/helpers/nginx.js';
import { wrk, type WrkResult } from '../lib/wrk.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 60);
const children = Number(process.env['BENCH_CHILDREN'] ?? 4);
const connections = 16;
const workers = Number(process.env['BENCH_WORKERS'] ?? availableParallelism());
const root = fileURLToPath(new URL('../../../bench/fastcgi/app', import.meta.url));
const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface Proxy {
  readonly url: string;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** The gateway's config; `variant` changes the upstream so that each reload replaces its pool. */
const switchyardConfig = (socket: string, variant: number) => `listen: 127.0.0.1:0
accessLog: off
upstreams:
  php: { type: fastcgi, address: 'unix:${socket}', root: '${root}', scripts: [hello.php, work.php], maxConnections: ${children}, queue: { max: 512, timeout: 10s }, readTimeout: ${60 + (variant % 2)}s }
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: php
`;

async function startSwitchyard(socket: string, dir: string): Promise<Proxy> {
  const file = join(dir, 'switchyard.yaml');
  let variant = 0;
  await writeFile(file, switchyardConfig(socket, variant));
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '-c', file, '--log-level', 'info', '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for await (const line of createInterface({ input: child.stderr as NodeJS.ReadableStream })) {
    const entry = JSON.parse(line) as { msg?: string; listen?: string[] };
    if (entry.msg === 'switchyard listening') {
      return {
        url: entry.listen?.[0] ?? '',
        async reload() {
          await writeFile(file, switchyardConfig(socket, ++variant));
          child.kill('SIGHUP');
        },
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
  }
  throw new Error('switchyard exited before listening');
}

async function startNginxProxy(socket: string): Promise<Proxy> {
  const nginx = await startNginx(
    `root ${root};
    location ~ \\.php$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_pass unix:${socket};
    }`,
    { workerProcesses: 'auto', workerConnections: 1024 },
  );
  return { url: `http://127.0.0.1:${nginx.port}`, reload: async () => nginx.reload(), stop: () => nginx.stop() };
}

/** wrk for `duration` seconds while `disturb` runs beside it. */
async function under(url: string, duration: number, disturb: (signal: AbortSignal) => Promise<void>): Promise<WrkResult> {
  const stop = new AbortController();
  const load = wrk(url, { connections, durationSeconds: duration });
  const disturbing = disturb(stop.signal);
  const result = await load;
  stop.abort();
  await disturbing;
  return result;
}

async function reloadEverySecond(proxy: Proxy, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await delay(1_000, undefined, { signal }).catch(() => {});
    if (!signal.aborted) await proxy.reload();
  }
}

async function restartPhpFpm(fpm: PhpFpm, signal: AbortSignal): Promise<void> {
  await delay(3_000, undefined, { signal }).catch(() => {});
  if (!signal.aborted) await fpm.restart(1_000);
}

function row(name: string, r: WrkResult): string {
  return `${name.padEnd(12)} ${String(r.requests).padStart(9)} requests   ${String(r.failures).padStart(7)} failed   ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s   p99 ${r.p99Ms.toFixed(1).padStart(8)} ms`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-disruption-'));
  const pools = await Promise.all([0, 1].map(() => startPhpFpm({ root, children })));
  const [nginxPool, switchyardPool] = pools as [PhpFpm, PhpFpm];
  const proxies: [string, Proxy, PhpFpm][] = [
    ['nginx', await startNginxProxy(nginxPool.socketPath), nginxPool],
    ['switchyard', await startSwitchyard(switchyardPool.socketPath, dir), switchyardPool],
  ];
  console.log(`php-fpm pm=static children=${children} (one identical pool each); wrk ${connections} connections; switchyard ${workers} worker(s), nginx worker_processes auto`);
  try {
    console.log(`\nreload every second for ${seconds}s (switchyard: SIGHUP with the php-fpm upstream changed each time; nginx: SIGHUP)`);
    for (const [name, proxy] of proxies) console.log(row(name, await under(`${proxy.url}/hello.php`, seconds, (s) => reloadEverySecond(proxy, s))));
    console.log('\nphp-fpm restarted 3 s into a 10 s run, down for 1 s (SIGQUIT, then started again)');
    for (const [name, proxy, fpm] of proxies) console.log(row(name, await under(`${proxy.url}/hello.php`, 10, (s) => restartPhpFpm(fpm, s))));
  } finally {
    for (const [, proxy] of proxies) await proxy.stop();
    await Promise.all(pools.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
