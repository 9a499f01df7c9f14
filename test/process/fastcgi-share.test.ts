/**
 * Under `serve --workers 2` each worker has its own FastCGI pool, so php-fpm's budget is split:
 * with maxConnections 2, no worker may hold more than one php-fpm connection, or php-fpm would
 * see more connections than it has children (the surplus waits in its listen queue, unseen).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { freePort } from '../helpers/free-port.js';
import { until } from '../helpers/until.js';
import type { UpstreamView } from '../../src/cluster/upstream-view.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../examples/legacy-php/public', import.meta.url));

let fpm: PhpFpm;
let child: ChildProcess;
let dir: string;
let url: string;
let admin: string;

before(async () => {
  fpm = await startPhpFpm({ root: ROOT, children: 2 });
  dir = await mkdtemp(join(tmpdir(), 'sy-share-'));
  const adminPort = await freePort();
  admin = `http://127.0.0.1:${adminPort}`;
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:${adminPort} }
upstreams:
  legacy: { type: fastcgi, address: 'unix:${fpm.socketPath}', root: '${ROOT}', maxConnections: 2 }
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => logs.push(JSON.parse(l) as Record<string, unknown>));
  assert.ok(await until(() => logs.some((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2), 60_000));
  url = ((logs.find((l) => l['msg'] === 'switchyard listening')?.['listen'] as string[]) ?? [])[0] as string;
});

after(async () => {
  child?.kill('SIGKILL');
  await fpm?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('splits maxConnections across workers: no worker opens more than its share', async () => {
  const responses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${url}/stream?chunks=2&pause=200`).then((r) => r.text())));
  for (const body of responses) assert.equal(body, 'chunk 1 of 2\nchunk 2 of 2\n');
  const views = ((await (await fetch(`${admin}/admin/upstreams`)).json()) as { upstreams: UpstreamView[] }).upstreams.filter((v) => v.name === 'legacy');
  assert.equal(views.length, 2, 'one view per worker');
  for (const view of views) {
    assert.ok(view.counters.opened <= 1, `worker ${view.worker} opened ${view.counters.opened} php-fpm connections`);
    assert.ok(view.connections.length <= 1);
  }
});
