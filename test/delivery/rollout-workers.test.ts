// A rollout under `serve --workers 2` with the file store: both workers hand their samples to the
// store (files from two processes in the step's window), the primary's admin listener answers
// GET /admin/rollouts and a POST promote for them, and every worker follows the promotion.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/until.js';
import { httpRequest } from '../helpers/http-request.js';
import { startService, type Service } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
let child: ChildProcess;
let dir: string;
let admin: string;
let port: number;
let baseline: Service;
let canary: Service;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-rollout-workers-'));
  baseline = await startService('baseline');
  canary = await startService('canary');
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
state: { store: file:state }
upstreams:
  old: { type: http, endpoints: [${baseline.url}] }
  new: { type: http, endpoints: [${canary.url}] }
routes:
  - get: /items
    name: items.show
    to: old
    rollout: { canary: new, steps: [{ weight: 50, minSamples: 1000000 }, { weight: 100 }], interval: 100ms }
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => {
    lines.push(l);
    const line = JSON.parse(l) as Record<string, unknown>;
    if (line['msg'] === 'admin listening') admin = `http://127.0.0.1:${(line['admin'] as AddressInfo).port}`;
    if (line['msg'] === 'switchyard listening' && line['workers'] === 2) port = Number(new URL((line['listen'] as string[])[0] as string).port);
  });
  assert.ok(await until(() => port !== undefined && admin !== undefined, 60_000), `the primary and its workers listen; they logged:\n${lines.slice(-10).join('\n')}`);
});

after(async () => {
  child?.kill('SIGKILL');
  await baseline?.close();
  await canary?.close();
  await rm(dir, { recursive: true, force: true });
});

async function canaryShare(n: number): Promise<number> {
  let hits = 0;
  // A connection per request, so the kernel spreads them over both workers.
  for (let i = 0; i < n; i++) if ((await httpRequest(port, '/items', { headers: { connection: 'close' } })).headers['x-switchyard-canary'] === '1') hits++;
  return hits / n;
}

test('both workers count into the step and follow a promotion made through the primary', async () => {
  assert.ok(await until(async () => (await canaryShare(10)) > 0, 5_000), 'the workers read the first step');
  await canaryShare(60);
  const writers = async () => new Set((await readdir(join(dir, 'state'))).filter((f) => f.startsWith('items.show.samples.')).map((f) => f.split('.').slice(-2, -1)[0]));
  assert.ok(await until(async () => (await writers()).size === 2, 5_000), `sample files from two processes: ${[...(await writers())].join(', ')}`);

  const listed = (await (await fetch(`${admin}/admin/rollouts`)).json()) as { rollouts: RolloutView[] };
  assert.deepEqual([listed.rollouts[0]?.state, listed.rollouts[0]?.weight], ['progressing', 50]);
  const promoted = await fetch(`${admin}/admin/rollouts/items.show/promote`, { method: 'POST' });
  assert.equal(promoted.status, 200, await promoted.clone().text());
  assert.equal(((await promoted.json()) as { rollout: RolloutView }).rollout.state, 'promoted');
  assert.ok(await until(async () => (await canaryShare(20)) === 1, 5_000), 'every worker sends everything to the canary');
});
