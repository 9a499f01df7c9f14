// `switchyard demo` as a newcomer runs it: php-fpm spawned over examples/legacy-php, the users
// service, the gateway in front; the printed URLs work; Ctrl-C (SIGINT) stops everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

test('demo serves the PHP app and the migrated route, and stops on SIGINT', async () => {
  const child = spawn(process.execPath, [BIN, 'demo', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const printed: string[] = [];
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      printed.push(line);
      if (line.includes('access log')) break;
    }
    const url = (text: string) => /(http:\/\/\S+)/.exec(printed.find((l) => l.includes(text)) ?? '')?.[1] ?? assert.fail(`no "${text}" URL in:\n${printed.join('\n')}\n${stderr}`);
    const home = await fetch(url('legacy PHP app'));
    assert.equal(home.status, 200);
    assert.match(await home.text(), /rendered by PHP behind Switchyard/);
    const migrated = await fetch(url('migrated route'));
    assert.deepEqual(await migrated.json(), { id: 1, name: 'Ada Lovelace', servedBy: 'users-service' });
    assert.equal(migrated.headers.get('x-content-type-options'), 'nosniff', 'the demo middleware applies');
    const php = await fetch(url('PHP-served page'));
    assert.equal(php.status, 200);
    assert.equal(php.headers.get('x-powered-by'), null, 'X-Powered-By is stripped by the demo config');
    const metrics = await fetch(url('metrics'));
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /switchyard_requests_total\{[^}]*route="users.show"/, 'the demo traffic shows in the metrics');
    const dashboard = await fetch(url('dashboard'));
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.headers.get('content-type') ?? '', /text\/html/);
    const logPath = /access log\s+(\S+)/.exec(printed.find((l) => l.includes('access log')) ?? '')?.[1] ?? '';
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.equal(existsSync(logPath), false, 'the demo cleans up its temp dir');
  } finally {
    child.kill('SIGKILL');
  }
});
