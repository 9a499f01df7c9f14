// Under `serve --workers 2`: a `store: memory` rate limit counts once for the instance (the
// workers lease tokens from the primary), and the primary's GET /.well-known/jwks.json lists
// every worker's phpSession key, without the admin token.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';
import { until } from '../helpers/until.js';
import { httpRequest } from '../helpers/http-request.js';
import { startEchoServer, type EchoServer } from './echo-server.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

let child: ChildProcess;
let dir: string;
let port: number;
let admin: string;
let echo: EchoServer;

before(async () => {
  echo = await startEchoServer();
  dir = await mkdtemp(join(tmpdir(), 'sy-plugin-workers-'));
  await mkdir(join(dir, 'sessions'));
  const adminPort = await freePort();
  admin = `http://127.0.0.1:${adminPort}`;
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:${adminPort}, token: admin-token-1 }
upstreams:
  svc: { type: http, endpoints: [${echo.url}] }
middleware:
  limit: { type: rateLimit, rate: 1/h, burst: 6, key: route, store: memory }
  session: { type: phpSession, store: 'files:./sessions', claims: { sub: user_id } }
routes:
  - get: /limited
    to: svc
    middleware: [limit]
  - get: /me
    to: svc
    middleware: [session]
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  // Log lines are JSON; anything else (a start failure's one line) is kept as its message.
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => logs.push(l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : { msg: l }));
  assert.ok(await until(() => logs.some((l) => l['msg'] === 'switchyard listening' && l['workers'] === 2), 60_000));
  port = Number(new URL(((logs.find((l) => l['msg'] === 'switchyard listening')?.['listen'] as string[]) ?? [])[0] as string).port);
});

after(async () => {
  child?.kill('SIGKILL');
  await echo?.close();
  await rm(dir, { recursive: true, force: true });
});

it('admits the burst once for the instance, not once per worker', async () => {
  // Fresh connections, all at once: the kernel hands them to both workers.
  const results = await Promise.all(Array.from({ length: 24 }, () => httpRequest(port, '/limited')));
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 6, statuses.join(' '));
  assert.equal(statuses.filter((s) => s === 429).length, 18);
  const refused = results.find((r) => r.status === 429);
  assert.equal(refused?.json()['code'], 'SY_ERR_RATE_LIMITED');
  assert.equal(refused?.headers['ratelimit-remaining'], '0');
});

it("lists every worker's public key at the primary's open /.well-known/jwks.json", async () => {
  const res = await fetch(`${admin}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  const { keys } = (await res.json()) as { keys: { kid: string; kty: string; crv: string; alg: string }[] };
  assert.equal(keys.length, 2, JSON.stringify(keys));
  assert.equal(new Set(keys.map((k) => k.kid)).size, 2);
  for (const key of keys) assert.deepEqual([key.kty, key.crv, key.alg], ['OKP', 'Ed25519', 'EdDSA']);
});
