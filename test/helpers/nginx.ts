/**
 * Runs Debian's nginx in the foreground with a generated config in a temp dir, for side-by-side
 * checks. nginx cannot listen on port 0 and report the port, so a free one is picked first.
 * Readiness is awaited by trying the port whenever nginx writes to its log dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface Nginx {
  readonly port: number;
  readonly dir: string;
  /** `nginx -s reload`: SIGHUP to the master, which starts new workers and drains the old. */
  reload(): void;
  stop(): Promise<void>;
}

export const NGINX_BINARY = '/usr/sbin/nginx';

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * `serverBlock` is the body of one `server {}` block; `listen` is added. The temp dir holds
 * every path nginx writes to, so it runs as any user.
 */
export interface NginxOptions {
  /** `worker_processes` (default 1; the benchmarks use `auto`). */
  readonly workerProcesses?: number | 'auto';
  readonly workerConnections?: number;
  /** Extra directives inside `http {}` before the server, e.g. an `upstream {}` block. */
  readonly http?: string;
}

export async function startNginx(serverBlock: string, options: NginxOptions = {}): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-nginx-'));
  await mkdir(join(dir, 'logs'));
  const port = await freePort();
  const conf = `
worker_processes ${options.workerProcesses ?? 1};
error_log ${join(dir, 'logs/error.log')} notice;
pid ${join(dir, 'nginx.pid')};
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections ${options.workerConnections ?? 256}; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  proxy_temp_path ${join(dir, 'proxy')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include /etc/nginx/mime.types;
  ${options.http ?? ''}
  server {
    listen 127.0.0.1:${port};
    ${serverBlock}
  }
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(NGINX_BINARY, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`nginx exited with ${code}: ${stderr}`))),
  );
  // nginx binds before it starts workers; poll the port each time its error log grows.
  await Promise.race([
    exited,
    new Promise<void>((resolve) => {
      const w = watch(join(dir, 'logs'), () => void check());
      const check = async (): Promise<void> => {
        if (await tryConnect(port)) {
          w.close();
          resolve();
        }
      };
      void check();
    }),
  ]);
  exited.catch(() => {});
  return {
    port,
    dir,
    reload() {
      child.kill('SIGHUP');
    },
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGQUIT');
        await done;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * nginx serving a PHP site the way most installs do: static files from `root`, then the
 * directory, then the front controller (`try_files $uri $uri/ /index.php?$query_string`), with
 * PATH_INFO split off and every .php passed to the php-fpm at `socketPath`.
 */
export function startNginxPhpSite(root: string, socketPath: string): Promise<Nginx> {
  return startNginx(`
    root ${root};
    index index.php;
    location / { try_files $uri $uri/ /index.php?$query_string; }
    location ~ \\.php(/|$) {
      fastcgi_split_path_info ^(.+?\\.php)(/.*)$;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_param PATH_INFO $fastcgi_path_info;
      fastcgi_pass unix:${socketPath};
    }`);
}
