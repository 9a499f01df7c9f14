/**
 * `serve --workers 2` reloaded again and again while 16 clients load a php-fpm route: every
 * worker drains the pool it replaces, so no request fails (a reload used to refuse the requests
 * queued in the old pool with 503 SY_ERR_SHUTTING_DOWN).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';
import { httpRequest } from '../helpers/http-request.js';
import { until } from '../helpers/until.js';
import { startPhpApp, type PhpApp } from '../upstream/fastcgi/php-app.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

let app: PhpApp;
let child: ChildProcess;
let port: number;
let admin: string;
const logs: Record<string, unknown>[] = [];

/** Two configs that differ in the upstream, so every reload replaces each worker's pool. */
const config = (adminPort: number, readTimeout: string) => `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:${adminPort} }
upstreams:
  legacy:
    type: fastcgi
    address: unix:${app.fpm.socketPath}
    root: ${app.root}
    maxConnections: 4
    queue: { max: 64, timeout: 10s }
    readTimeout: ${readTimeout}
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
`;

before(async () => {
  app = await startPhpApp(4);
  const adminPort = await freePort();
  admin = `http://127.0.0.1:${adminPort}`;
  await writeFile(join(app.dir, 'switchyard.yaml'), config(adminPort, '20s'));
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: app.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => logs.push(JSON.parse(l) as Record<string, unknown>));
  assert.ok(await until(() => logs.some((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2), 60_000), 'both workers listen');
  const url = ((logs.find((l) => l['msg'] === 'switchyard listening')?.['listen'] as string[]) ?? [])[0] as string;
  port = Number(new URL(url).port);
});

after(async () => {
  child?.kill('SIGKILL');
  await app?.stop();
});

it('16 clients and repeated reloads of both workers: every request answers 200', async () => {
  const adminPort = Number(new URL(admin).port);
  const statuses = new Map<number, number>();
  let done = 0;
  const client = async (n: number): Promise<void> => {
    for (let i = 0; i < 40; i++) {
      const res = await httpRequest(port, `/users/${n}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    done++;
  };
  const clients = Array.from({ length: 16 }, (_, n) => client(n + 1));
  let reloads = 0;
  while (done < 16 && reloads < 100) {
    await writeFile(join(app.dir, 'switchyard.yaml'), config(adminPort, reloads % 2 === 0 ? '21s' : '20s'));
    const res = await fetch(`${admin}/admin/reload`, { method: 'POST' });
    assert.equal(res.status, 200, await res.text());
    reloads++;
    await until(() => (statuses.get(200) ?? 0) >= reloads * 4 || done === 16);
  }
  await Promise.all(clients);
  assert.ok(reloads >= 5, `reloads happened under load (${reloads})`);
  assert.deepEqual([...statuses.entries()], [[200, 640]]);
});
