// Only allowlisted scripts ever execute: an uploaded image holding PHP code must never run,
// whatever PATH_INFO, encoding or traversal trick the path uses (CVE-2019-11043 and the classic
// cgi.fix_pathinfo attack), and no request can change PHP's settings. The proxy (httpoxy) is
// tested through the whole gateway in httpoxy.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { isSwitchyardError } from '../../../src/errors.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { fastcgiConfig, startPhpApp, type PhpApp } from './php-app.js';

const SHELL = '<?php echo "PWNED-" . (6 * 7); ?>';
const EXECUTED = 'PWNED-42';

function multipart(filename: string, content: string): { body: Buffer; type: string } {
  const boundary = 'sy' + randomUUID();
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n${content}\r\n--${boundary}--\r\n`),
  };
}

describe('script allowlist and PATH_INFO tricks', () => {
  let app: PhpApp;
  let gw: ExchangeServer;

  before(async () => {
    app = await startPhpApp(2);
    gw = await startExchangeServer({ handler: createFastcgiUpstream(app.config(), pino({ level: 'silent' })), route: { static: true } });
    for (const name of ['evil.jpg', 'evil.php']) {
      const { body, type } = multipart(name, SHELL);
      const res = await httpRequest(gw.port, '/upload', { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(res.status, 201, res.text);
    }
    // Laravel's `php artisan storage:link`: public/storage points outside the document root.
    await mkdir(join(app.dir, 'storage/app/public'), { recursive: true });
    await writeFile(join(app.dir, 'storage/app/public/avatar.txt'), 'avatar');
    await writeFile(join(app.dir, 'storage/app/public/shell.php'), SHELL);
    await symlink('../storage/app/public', join(app.root, 'storage'));
  });
  after(async () => {
    await gw?.close();
    await app?.stop();
  });

  const refused: [path: string, status: number, code: string][] = [
    ['/uploads/evil.jpg/x.php', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/uploads/evil.jpg/index.php', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/uploads/evil.jpg/.php', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/uploads%2Fevil.jpg/x.php', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/uploads/evil.php', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/uploads/evil.php/anything', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/uploads/evil.jpg%00.php', 403, 'SY_ERR_FORBIDDEN_PATH'],
    ['/uploads/evil.jpg%0a.php', 403, 'SY_ERR_FORBIDDEN_PATH'],
    // CVE-2019-11043 shape: a newline in PATH_INFO to break the split regex and set PHP_VALUE.
    ['/index.php/PHP_VALUE%0Aauto_prepend_file=/uploads/evil.jpg', 403, 'SY_ERR_FORBIDDEN_PATH'],
    ['/../etc/passwd', 403, 'SY_ERR_FORBIDDEN_PATH'],
    ['/%2e%2e/%2e%2e/etc/passwd', 403, 'SY_ERR_FORBIDDEN_PATH'],
    ['/uploads\\evil.jpg', 403, 'SY_ERR_FORBIDDEN_PATH'],
    ['/storage/shell.php', 403, 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/.env', 403, 'SY_ERR_FORBIDDEN_PATH'],
    ['/fixtures/missing.php', 404, 'SY_ERR_NOT_FOUND'],
    ['/%zz', 400, 'SY_ERR_BAD_REQUEST'],
  ];
  for (const [path, status, code] of refused) {
    test(`${path} is refused with ${status} ${code}`, async () => {
      const res = await httpRequest(gw.port, path);
      assert.equal(res.status, status);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(res.json().code, code);
      assert.doesNotMatch(res.text, new RegExp(EXECUTED));
    });
  }

  test('the uploaded image is served as bytes, its PHP never run', async () => {
    for (const path of ['/uploads/evil.jpg', '/index.php/../uploads/evil.jpg', '/uploads/./evil.jpg?x.php']) {
      const res = await httpRequest(gw.port, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], 'image/jpeg');
      assert.equal(res.text, SHELL);
    }
  });

  test('symlinks the operator made inside root are followed, as nginx does (Laravel storage:link)', async () => {
    const res = await httpRequest(gw.port, '/storage/avatar.txt');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'avatar');
  });

  test('PATH_INFO after the front controller is only ever data for index.php', async () => {
    const res = await httpRequest(gw.port, '/index.php/uploads/evil.jpg');
    assert.equal(res.status, 404, 'the app has no page there');
    assert.doesNotMatch(res.text, new RegExp(EXECUTED));
    const dump = await httpRequest(gw.port, '/index.php/server/extra');
    assert.equal(dump.status, 404);
    const server = await httpRequest(gw.port, '/fixtures/pid.php/some/info');
    assert.match(server.text, /^\d+$/);
  });

  test('underscore headers never reach PHP', async () => {
    const res = await httpRequest(gw.port, '/server', {
      headers: { 'x_forwarded_for': '6.6.6.6', 'php_value': 'auto_prepend_file=/etc/passwd', 'x-fine': 'ok' },
    });
    const server = res.json<{ server: Record<string, string> }>().server;
    assert.equal(server.HTTP_X_FORWARDED_FOR, undefined);
    assert.equal(server.HTTP_PHP_VALUE, undefined);
    assert.equal(server.PHP_VALUE, undefined);
    assert.equal(server.HTTP_X_FINE, 'ok');
  });

  test('no request header or query can set PHP_VALUE or PHP_ADMIN_VALUE', async () => {
    const res = await httpRequest(gw.port, '/fixtures/echo-ini.php?PHP_VALUE=auto_prepend_file%3D%2Fetc%2Fpasswd', {
      headers: { 'php-value': 'auto_prepend_file=/etc/passwd', 'php-admin-value': 'allow_url_include=On' },
    });
    assert.deepEqual(res.json(), { auto_prepend_file: '', allow_url_include: '' });
  });

  test('a config that sets PHP_VALUE in params is refused at startup', () => {
    assert.throws(
      () => createFastcgiUpstream(fastcgiConfig({ params: { PHP_VALUE: 'x=1' } }), pino({ level: 'silent' })),
      (err: unknown) => isSwitchyardError(err) && err.code === 'SY_ERR_CONFIG_UPSTREAM',
    );
  });

  test('a route without static: true sends every non-script path to the front controller', async () => {
    const plain = await startExchangeServer({ handler: createFastcgiUpstream(app.config(), pino({ level: 'silent' })), route: { static: false } });
    try {
      const res = await httpRequest(plain.port, '/uploads/evil.jpg');
      assert.equal(res.status, 404, 'index.php answers, the file is not served');
      assert.doesNotMatch(res.text, /PWNED/);
    } finally {
      await plain.close();
    }
  });
});
