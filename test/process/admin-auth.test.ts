// The primary of `serve --workers 2` answers the admin paths with endpoints of its own (merged
// views, forwards to a worker): each still refuses a request without the admin token, only the
// listed ones are open, and the scopes of `admin.tokens` hold there as on a worker (a read token
// gets 403 on every POST). The table is built from the endpoint registry.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/until.js';
import { adminAuthTable } from '../helpers/admin-auth.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const TOKENS = { read: 'reader-secret-3', write: 'admin-secret-7' };
let child: ChildProcess;
let dir: string;
let admin: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-admin-auth-'));
  await writeFile(
    join(dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
accessLog: off
admin:
  listen: 127.0.0.1:0
  tokens: { read: "\${ADMIN_READ}", write: "\${ADMIN_TOKEN}" }
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
routes:
  - get: /a
    to: svc
`,
  );
  child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ADMIN_TOKEN: TOKENS.write, ADMIN_READ: TOKENS.read } });
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
  await rm(dir, { recursive: true, force: true });
});

adminAuthTable(() => admin, TOKENS);
