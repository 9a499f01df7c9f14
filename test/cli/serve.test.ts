// `switchyard serve` as a separate process, the way systemd or a terminal runs it: it prints
// where it listens, serves, reloads on SIGHUP and exits 0 after a graceful SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

test('serve: listens, reloads on SIGHUP, stops cleanly on SIGTERM', async () => {
  const service = createServer((req, res) => res.end(`svc ${req.url}`));
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  const svc = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'sy-serve-'));
  const yaml = (routes: string) => `listen: 127.0.0.1:0\naccessLog: off\nupstreams:\n  svc: { type: http, endpoints: [${svc}] }\nroutes:\n${routes}`;
  await writeFile(join(dir, 'switchyard.yaml'), yaml('  - get: /a\n    to: svc\n'));
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: child.stderr });
  const logs: Record<string, unknown>[] = [];
  const waitFor = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find((l) => l['msg'] === msg);
      if (seen) return resolve(seen);
      const onLine = (line: string) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry['msg'] === msg) {
          lines.off('line', onLine);
          resolve(entry);
        }
      };
      lines.on('line', onLine);
      child.once('exit', () => reject(new Error(`exited before logging "${msg}"`)));
    });
  lines.on('line', (l) => logs.push(JSON.parse(l) as Record<string, unknown>));
  try {
    const started = await waitFor('switchyard listening');
    const url = (started['listen'] as string[])[0] as string;
    assert.equal(await (await fetch(`${url}/a`)).text(), 'svc /a');
    assert.equal((await fetch(`${url}/b`)).status, 404);

    await writeFile(join(dir, 'switchyard.yaml'), yaml('  - get: /a\n    to: svc\n  - get: /b\n    to: svc\n'));
    child.kill('SIGHUP');
    await waitFor('configuration reloaded');
    assert.equal(await (await fetch(`${url}/b`)).text(), 'svc /b');

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(logs.some((l) => l['msg'] === 'switchyard stopped'));
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => service.close(r));
  }
});

test('serve with a broken config: the problems, exit 1, nothing listening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sy-serve-'));
  await writeFile(join(dir, 'switchyard.yaml'), 'listen: 127.0.0.1:0\nroutes:\n  - get: /a\n    to: ghost\n');
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 1);
  assert.match(stderr, /^switchyard: \S*switchyard\.yaml:4:9: routes\[0\]\.to: unknown upstream 'ghost' \(SY_ERR_CONFIG_ROUTE\)\n$/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
});
