// GET /ready on the primary of `serve --workers 2`: 200 once both workers listen, 503
// SY_ERR_NOT_READY while a dead worker's successor starts, 503 SY_ERR_SHUTTING_DOWN from SIGTERM
// on while a request is still in flight, and the process exits 0 once it finished.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/until.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
let child: ChildProcess;
let dir: string;
let upstream: Server;
let admin: string | undefined;
let listen: string | undefined;
let pids: number[] = [];
const held: ServerResponse[] = [];
/** Lines that are not log records (a stack trace): shown when a step fails. */
const other: string[] = [];

before(async () => {
  upstream = createServer((_req, res) => held.push(res));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  dir = await mkdtemp(join(tmpdir(), 'sy-ready-'));
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
timeouts: { shutdown: 20s }
admin:
  listen: 127.0.0.1:0
upstreams:
  slow: { type: http, endpoints: [http://127.0.0.1:${(upstream.address() as AddressInfo).port}] }
routes:
  - get: /slow
    to: slow
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => {
    if (!l.startsWith('{')) {
      other.push(l);
      return;
    }
    const line = JSON.parse(l) as Record<string, unknown>;
    if (line['msg'] === 'admin listening') admin = `http://127.0.0.1:${(line['admin'] as AddressInfo).port}`;
    if (line['msg'] === 'switchyard listening' && line['workers'] === 2) {
      listen = (line['listen'] as string[])[0];
      pids = line['pids'] as number[];
    }
  });
  assert.ok(await until(() => listen !== undefined && admin !== undefined, 20_000), 'the primary and its workers listen');
});

after(async () => {
  for (const res of held) res.destroy();
  child?.kill('SIGKILL');
  upstream.close();
  await rm(dir, { recursive: true, force: true });
});

const status = async () => {
  const res = await fetch(`${admin}/ready`);
  return { status: res.status, code: res.status === 200 ? undefined : ((await res.json()) as { code: string }).code };
};

test('ready once both workers listen', async () => {
  assert.deepEqual(await status(), { status: 200, code: undefined });
});

test('not ready while a dead worker is replaced, ready again once its successor listens', async () => {
  process.kill(pids[0] as number, 'SIGKILL');
  let seen: Awaited<ReturnType<typeof status>> | undefined;
  assert.ok(await until(async () => (seen = await status()).status === 503), 'a worker down makes the instance not ready');
  assert.equal(seen?.code, 'SY_ERR_NOT_READY');
  assert.ok(await until(async () => (await status()).status === 200, 20_000), `ready again with two workers; other output:\n${other.join('\n')}`);
});

test('SIGTERM: 503 while a request drains, then exit 0', async () => {
  const inFlight = fetch(`${listen}/slow`);
  assert.ok(await until(() => held.length === 1), 'the request reached the upstream');
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  assert.ok(await until(async () => (await status()).status === 503), 'draining makes the instance not ready');
  assert.equal((await status()).code, 'SY_ERR_SHUTTING_DOWN');
  held[0]?.end('done');
  assert.equal(await (await inFlight).text(), 'done');
  const [code] = await exited;
  assert.equal(code, 0);
});
