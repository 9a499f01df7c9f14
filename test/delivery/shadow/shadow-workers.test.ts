// GET /admin/shadow with `serve --workers 2`: each worker copies and compares the requests it
// served, and the primary answers with the sum of all of them, fields and samples merged
// (the merge itself, case by case: shadow-view.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../helpers/free-port.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import type { ShadowView } from '../../../src/delivery/shadow/shadow-view.js';

const BIN = fileURLToPath(new URL('../../../src/cli/bin.js', import.meta.url));

let baseline: Server;
let target: Server;
let child: ChildProcess;
let dir: string;
let port: number;
let admin: string;
const logs: Record<string, unknown>[] = [];

before(async () => {
  baseline = createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ path: req.url, price: 10, pid: 'baseline' })));
  target = createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ pid: 'baseline', price: 11, path: req.url })));
  await Promise.all([baseline, target].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const at = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'sy-shadow-workers-'));
  const adminPort = await freePort();
  admin = `http://127.0.0.1:${adminPort}`;
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:${adminPort} }
upstreams:
  old: { type: http, endpoints: [${at(baseline)}] }
  new: { type: http, endpoints: [${at(target)}] }
routes:
  - get: /items/{id}
    name: items.show
    to: old
    shadow: { to: new }
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  // A line that is not JSON (a crash's stack) is kept as text, for the failure message.
  lines.on('line', (l) => logs.push(l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : { text: l }));
  assert.ok(await until(() => logs.some((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2), 60_000), `both workers listening; they logged:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`);
  const url = ((logs.find((l) => l['msg'] === 'switchyard listening')?.['listen'] as string[]) ?? [])[0] as string;
  port = Number(new URL(url).port);
});

after(async () => {
  child?.kill('SIGKILL');
  await Promise.all([baseline, target].map((s) => new Promise((r) => s?.close(r))));
  await rm(dir, { recursive: true, force: true });
});

test('the primary sums what every worker compared', async () => {
  // One connection per request: the workers take turns accepting them.
  for (let i = 1; i <= 20; i++) assert.equal((await httpRequest(port, `/items/${i}`)).json<{ price: number }>().price, 10);
  let view: ShadowView | undefined;
  assert.ok(await until(async () => (view = (await (await fetch(`${admin}/admin/shadow`)).json()) as ShadowView).routes[0]?.compared === 20, 20_000), JSON.stringify(view));
  const [route] = (view as ShadowView).routes;
  assert.equal(route?.route, 'items.show');
  assert.equal(route?.mismatched, 20);
  assert.equal(route?.mismatchRate, 1);
  assert.deepEqual(route?.fields.find((f) => f.pointer === '/price'), { pointer: '/price', mismatched: 20, noise: 0 });
  assert.equal(route?.samples.length, 20);
});
