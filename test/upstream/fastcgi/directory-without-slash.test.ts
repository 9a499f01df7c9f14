// A directory asked for without its trailing slash, on a `static: true` route, side by side with
// nginx (`try_files $uri $uri/ /index.php?$query_string`, `index index.php`) over the same tree
// and php-fpm pool: nginx answers 301 to the slash with the query kept, then runs the directory's
// index, or answers 403 when it has none. Before this was matched, the gateway ran the index (or
// the front controller) at the slashless URL, where its relative links point one level up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest, type HttpResult } from '../../helpers/http-request.js';
import { startNginxPhpSite, type Nginx } from '../../helpers/nginx.js';
import { parseRawResponse, rawRequest } from '../../helpers/raw-http.js';
import { startPhpApp, type PhpApp } from './php-app.js';

describe('a directory without its trailing slash: Switchyard versus nginx', () => {
  let app: PhpApp;
  let gw: ExchangeServer;
  let nginx: Nginx;

  before(async () => {
    app = await startPhpApp(2);
    // admin/ has an allowlisted index; docs/ and the names needing escapes have none.
    for (const dir of ['admin', 'docs/sub', 'a b', 'q?d', 'ümlaut']) await mkdir(join(app.root, dir), { recursive: true });
    await writeFile(join(app.root, 'admin/index.php'), `<?php require __DIR__ . '/../../src/pages.php'; page_server();`);
    const config = app.config({ scripts: ['index.php', 'fixtures/*.php', 'admin/index.php'] });
    gw = await startExchangeServer({ handler: createFastcgiUpstream(config, pino({ level: 'silent' })), route: { static: true } });
    nginx = await startNginxPhpSite(app.root, app.fpm.socketPath);
  });
  after(async () => {
    await gw?.close();
    await nginx?.stop();
    await app?.stop();
  });

  /** The same request to both; Location with each server's own origin taken off. */
  async function both(path: string, method = 'GET'): Promise<{ ours: HttpResult; theirs: HttpResult; location: string | undefined }> {
    const ours = await httpRequest(gw.port, path, { method });
    const theirs = await httpRequest(nginx.port, path, { method });
    assert.equal(ours.status, theirs.status, `${method} ${path}: switchyard ${ours.status}, nginx ${theirs.status}`);
    const strip = (r: HttpResult, port: number) => r.headers.location?.replace(`http://127.0.0.1:${port}`, '<origin>');
    assert.equal(strip(ours, gw.port), strip(theirs, nginx.port), `Location for ${method} ${path}`);
    return { ours, theirs, location: strip(ours, gw.port) };
  }

  test('the slashless directory is a 301 to the slash, with an absolute Location as nginx sends', async () => {
    const table: [path: string, location: string][] = [
      ['/admin', '<origin>/admin/'],
      ['/docs', '<origin>/docs/'],
      ['/docs/sub', '<origin>/docs/sub/'],
      // Normalised first, as nginx does: merged slashes and dot segments.
      ['/x/../docs', '<origin>/docs/'],
      ['//docs//sub', '<origin>/docs/sub/'],
      // Re-escaped: a space, a `?` that is part of the name, non-ASCII bytes.
      ['/a%20b', '<origin>/a%20b/'],
      ['/q%3Fd', '<origin>/q%3Fd/'],
      ['/%C3%BCmlaut', '<origin>/%C3%BCmlaut/'],
    ];
    for (const [path, expected] of table) {
      const { ours, location } = await both(path);
      assert.equal(ours.status, 301, path);
      assert.equal(location, expected, path);
    }
  });

  test('the query string is kept, and the redirect lands on the index with SCRIPT_NAME /dir/index.php', async () => {
    const { ours, location } = await both('/admin?page=2&s=a%20b&x');
    assert.equal(location, '<origin>/admin/?page=2&s=a%20b&x');
    const target = new URL(String(ours.headers.location));
    const landed = await both(target.pathname + target.search);
    const server = (r: HttpResult) => r.json<{ server: Record<string, string> }>().server;
    assert.equal(server(landed.ours).SCRIPT_NAME, '/admin/index.php');
    assert.equal(server(landed.ours).REQUEST_URI, '/admin/?page=2&s=a%20b&x');
    assert.equal(server(landed.ours).QUERY_STRING, 'page=2&s=a%20b&x');
    assert.equal(server(landed.ours).SCRIPT_NAME, server(landed.theirs).SCRIPT_NAME);
  });

  test('HEAD and POST are redirected too', async () => {
    const head = await both('/admin', 'HEAD');
    assert.equal(head.ours.status, 301);
    assert.equal(head.ours.body.length, 0);
    const post = await both('/docs', 'POST');
    assert.equal(post.ours.status, 301);
  });

  test('with the slash, a directory without an index is a 403, not the front controller', async () => {
    for (const path of ['/docs/', '/docs/sub/', '/docs/sub/..', '/uploads/']) {
      const { ours } = await both(path);
      assert.equal(ours.status, 403, path);
      assert.match(String(ours.headers['content-type']), /application\/problem\+json/);
      assert.equal(ours.json().code, 'SY_ERR_DIRECTORY_LISTING_FORBIDDEN', path);
    }
  });

  test('the Location keeps the Host header as sent, port included', async () => {
    // nginx would put its own listening port there (port_in_redirect), wrong behind a port mapping.
    const res = await httpRequest(gw.port, '/admin?x=1', { headers: { host: 'www.example.com:8443' } });
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, 'http://www.example.com:8443/admin/?x=1');
  });

  test('without a Host header the Location names the address the request came in on, as nginx does', async () => {
    const ours = parseRawResponse(await rawRequest(gw.url, ['GET /admin HTTP/1.0\r\n\r\n']));
    const theirs = parseRawResponse(await rawRequest(`http://127.0.0.1:${nginx.port}`, ['GET /admin HTTP/1.0\r\n\r\n']));
    assert.equal(ours.headers.location, `http://127.0.0.1:${gw.port}/admin/`);
    assert.equal(theirs.headers.location, `http://127.0.0.1:${nginx.port}/admin/`);
  });
});
