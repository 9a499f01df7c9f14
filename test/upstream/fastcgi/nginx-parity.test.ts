// The same php-fpm pool behind nginx (Debian's package, stock fastcgi_params, the usual
// try_files + split_path_info config) and behind Switchyard: PHP must see the same $_SERVER for
// the same request, apart from the values that name the server itself or the connection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest, type HttpRequestOptions } from '../../helpers/http-request.js';
import { startNginxPhpSite, type Nginx } from '../../helpers/nginx.js';
import { startPhpApp, type PhpApp } from './php-app.js';

/** Differ by design: ports, server identity, timing, and params only one side sends. */
const EXPECTED_TO_DIFFER = new Set([
  'REMOTE_PORT',
  'SERVER_PORT',
  'SERVER_SOFTWARE',
  'SERVER_NAME',
  'REQUEST_TIME',
  'REQUEST_TIME_FLOAT',
  // Debian's fastcgi_params sends `$host` (no port); Switchyard passes the Host header as sent.
  'HTTP_HOST',
  // Switchyard's own request id.
  'REQUEST_ID',
]);

interface Dump {
  server: Record<string, string>;
  post: Record<string, string>;
  bodyLength: number;
}

describe('parameters PHP sees: Switchyard versus nginx', () => {
  let app: PhpApp;
  let gw: ExchangeServer;
  let nginx: Nginx;

  before(async () => {
    app = await startPhpApp(2);
    gw = await startExchangeServer({ handler: createFastcgiUpstream(app.config(), pino({ level: 'silent' })), route: { static: true } });
    nginx = await startNginxPhpSite(app.root, app.fpm.socketPath);
  });
  after(async () => {
    await gw?.close();
    await nginx?.stop();
    await app?.stop();
  });

  async function both(path: string, options: HttpRequestOptions): Promise<[Dump, Dump]> {
    const ours = await httpRequest(gw.port, path, options);
    const theirs = await httpRequest(nginx.port, path, options);
    assert.equal(ours.status, theirs.status, `status for ${path}`);
    return [ours.json<Dump>(), theirs.json<Dump>()];
  }

  function compare(ours: Dump, theirs: Dump): void {
    const keys = new Set([...Object.keys(ours.server), ...Object.keys(theirs.server)]);
    const differences: string[] = [];
    for (const key of [...keys].sort()) {
      if (EXPECTED_TO_DIFFER.has(key)) continue;
      if (ours.server[key] !== theirs.server[key]) {
        differences.push(`${key}: switchyard=${JSON.stringify(ours.server[key])} nginx=${JSON.stringify(theirs.server[key])}`);
      }
    }
    assert.deepEqual(differences, []);
  }

  const headers = { 'user-agent': 'parity/1.0', accept: 'text/html', 'accept-language': 'en', cookie: 'a=1; b=2', 'x-trace': 'abc' };

  test('a pretty URL through try_files', async () => {
    const [ours, theirs] = await both('/server?a=1&b=%20two', { headers });
    compare(ours, theirs);
    assert.equal(ours.server.SCRIPT_NAME, '/index.php');
    assert.ok(Object.keys(ours.server).length > 30, 'the comparison covers the whole $_SERVER');
    assert.equal(theirs.server.HTTP_X_TRACE, 'abc');
  });

  test('a direct script with PATH_INFO', async () => {
    const [ours, theirs] = await both('/fixtures/server.php/extra/info?y=1', { headers });
    compare(ours, theirs);
    assert.equal(ours.server.PATH_INFO, '/extra/info');
    assert.equal(ours.server.SCRIPT_NAME, '/fixtures/server.php');
  });

  // Regression: header bytes were re-encoded as UTF-8 (node:http hands them over as latin1), so
  // PHP read "JosÃ©" where nginx passes "José".
  test('UTF-8 in a header and in a percent-encoded path reach PHP as the same bytes', async () => {
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const [ours, theirs] = await both('/fixtures/server.php/caf%C3%A9?q=%C3%BC', { headers: { ...headers, 'x-name': utf8('José'), 'user-agent': utf8('naïve/1.0') } });
    compare(ours, theirs);
    assert.equal(ours.server.HTTP_X_NAME, 'José');
    assert.equal(ours.server.PATH_INFO, '/café');
  });

  test('a form POST with Content-Length', async () => {
    const [ours, theirs] = await both('/server', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=ada&lang=php',
    });
    compare(ours, theirs);
    assert.deepEqual(ours.post, theirs.post);
  });

  test('a chunked POST (both spool it and send CONTENT_LENGTH)', async () => {
    const [ours, theirs] = await both('/server', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=ada&lang=php&pad=' + 'x'.repeat(5000),
      chunked: 1000,
    });
    assert.equal(ours.bodyLength, theirs.bodyLength);
    assert.equal(ours.server.CONTENT_LENGTH, theirs.server.CONTENT_LENGTH);
    assert.deepEqual(ours.post, theirs.post);
  });
});
