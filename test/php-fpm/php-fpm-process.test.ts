// The php-fpm launcher used by `switchyard demo` and the tests: a private pool on a unix socket,
// ready when startPhpFpm resolves, restartable, and a one-line install hint when it is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { findPhpFpm, startPhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { createFastcgiUpstream } from '../../src/upstream/fastcgi/fastcgi-upstream.js';
import { isSwitchyardError } from '../../src/errors.js';
import { startExchangeServer } from '../helpers/exchange-server.js';
import { httpRequest } from '../helpers/http-request.js';
import { fastcgiConfig } from '../upstream/fastcgi/php-app.js';

test('starts a pool that answers at once, restarts on the same socket, and cleans up', async () => {
  const root = await mkdtemp(join(tmpdir(), 'switchyard-fpm-root-'));
  await writeFile(join(root, 'index.php'), '<?php echo "pool:", getenv("SY_TEST_VALUE");');
  const fpm = await startPhpFpm({ root, children: 2, env: { SY_TEST_VALUE: 'from-env' }, statusPath: '/fpm-status' });
  const gw = await startExchangeServer({
    handler: createFastcgiUpstream(fastcgiConfig({ root, scripts: ['index.php'], address: { kind: 'unix', path: fpm.socketPath } }), pino({ level: 'silent' })),
  });
  try {
    const first = await httpRequest(gw.port, '/');
    assert.equal(first.text, 'pool:from-env', 'env reaches the workers (clear_env = no)');
    const pid = fpm.pid;
    await fpm.restart();
    assert.notEqual(fpm.pid, pid);
    assert.equal((await httpRequest(gw.port, '/')).text, 'pool:from-env');
    assert.match(await fpm.readLog(), /ready to handle connections/);
  } finally {
    await gw.close();
    await fpm.stop();
    await rm(root, { recursive: true, force: true });
  }
  assert.equal(existsSync(fpm.dir), false, 'the temp dir is removed');
});

test('a missing php-fpm is one line saying how to install it', () => {
  assert.throws(
    () => findPhpFpm(['/nonexistent-bin']),
    (err: unknown) => isSwitchyardError(err) && err.code === 'SY_ERR_PHP_FPM_MISSING' && err.message === 'php-fpm is not installed; install it with: apt-get install php8.2-fpm',
  );
});

test('a pool php-fpm refuses to start is reported with its own complaint', async () => {
  const root = await mkdtemp(join(tmpdir(), 'switchyard-fpm-root-'));
  try {
    await assert.rejects(startPhpFpm({ root, children: 0 }), (err: unknown) => {
      return isSwitchyardError(err) && err.code === 'SY_ERR_PHP_FPM_START' && /max_children/.test(err.message);
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
