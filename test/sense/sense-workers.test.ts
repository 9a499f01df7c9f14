// With `serve --workers 2` the primary hands each posted event to every worker (each ejects on
// its own, as each keeps its own outlier state) and lists each event once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/until.js';
import type { UpstreamView } from '../../src/cluster/upstream-view.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const auth = { authorization: 'Bearer w0rk3rs' };
let child: ChildProcess;
let dir: string;
let admin: string | undefined;
const servers: Server[] = [];
const ports: number[] = [];

before(async () => {
  for (let i = 0; i < 2; i++) {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
  dir = await mkdtemp(join(tmpdir(), 'sy-sense-workers-'));
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0, token: w0rk3rs }
sense: { keep: 3 }
upstreams:
  svc:
    type: http
    endpoints: [http://127.0.0.1:${ports[0]}, http://127.0.0.1:${ports[1]}]
    outlierDetection: { retransmits: 2, baseEjectionTime: 10m, maxEjectionPercent: 50 }
routes:
  - get: /
    to: svc
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let listening = false;
  const lines: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => {
    lines.push(l);
    const line = JSON.parse(l) as Record<string, unknown>;
    if (line['msg'] === 'admin listening') admin = `http://127.0.0.1:${(line['admin'] as AddressInfo).port}`;
    if (line['msg'] === 'switchyard listening' && line['workers'] === 2) listening = true;
  });
  assert.ok(await until(() => listening && admin !== undefined, 60_000), `the primary and its workers listen; they logged:\n${lines.slice(-10).join('\n')}`);
});

after(async () => {
  child?.kill('SIGKILL');
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const retransmit = (port: number) => ({ kind: 'retransmit', pid: 0, comm: 'swapper/0', command: null, port, from: 'ESTABLISHED', to: null, child: null, address: '127.0.0.1' });

test('every worker ejects the endpoint; the primary lists each event once, the newest sense.keep', async () => {
  const post = (events: unknown[]) => fetch(`${admin}/admin/sense`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  assert.equal((await post([retransmit(ports[0] as number), retransmit(ports[0] as number)])).status, 200);
  const views = ((await (await fetch(`${admin}/admin/upstreams`, { headers: auth })).json()) as { upstreams: UpstreamView[] }).upstreams;
  assert.equal(views.length, 2);
  for (const view of views) assert.deepEqual(view.endpoints.map((e) => e.ejection), ['ejected', 'none'], `worker ${view.worker}`);
  assert.equal((await post([retransmit(ports[1] as number), retransmit(1)])).status, 200);
  const listed = ((await (await fetch(`${admin}/admin/sense`, { headers: auth })).json()) as { events: { port: number }[] }).events;
  assert.deepEqual(listed.map((e) => e.port), [ports[0], ports[1], 1]);
  const refused = await post([{ kind: 'nope' }]);
  assert.equal(refused.status, 400);
  assert.equal(((await refused.json()) as { code: string }).code, 'SY_ERR_ADMIN_BAD_BODY');
});
