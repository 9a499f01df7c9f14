// The FastCGI upstream against real php-fpm 8.2 running the example app: what PHP sees, and
// what the client gets back (status, cookies, uploads, streaming, X-Accel-Redirect, errors).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { captureLog } from '../../helpers/capture-log.js';
import { startPhpApp, type PhpApp } from './php-app.js';

interface ServerDump {
  server: Record<string, string>;
  get: Record<string, string>;
  post: Record<string, string>;
  cookies: Record<string, string>;
  bodyLength: number;
  bodySha1: string;
}

describe('fastcgi upstream with the example app', () => {
  let app: PhpApp;
  let gw: ExchangeServer;
  const captured = captureLog();

  before(async () => {
    app = await startPhpApp(4);
    const upstream = createFastcgiUpstream(app.config(), captured.logger);
    gw = await startExchangeServer({ handler: upstream, route: { static: true, bodySize: 1024 * 1024 }, log: captured.logger });
  });
  after(async () => {
    await gw?.close();
    await app?.stop();
  });

  test('the front controller gets nginx-style params for a pretty URL', async () => {
    const res = await httpRequest(gw.port, '/server?a=1&b=two', { headers: { host: 'app.test:8080', 'x-custom': 'yes' } });
    assert.equal(res.status, 200);
    const { server } = res.json<ServerDump>();
    assert.equal(server.SCRIPT_NAME, '/index.php');
    assert.equal(server.SCRIPT_FILENAME, join(app.root, 'index.php'));
    assert.equal(server.DOCUMENT_ROOT, app.root);
    assert.equal(server.DOCUMENT_URI, '/index.php');
    assert.equal(server.REQUEST_URI, '/server?a=1&b=two');
    assert.equal(server.QUERY_STRING, 'a=1&b=two');
    assert.equal(server.REQUEST_METHOD, 'GET');
    assert.equal(server.SERVER_NAME, 'app.test');
    assert.equal(server.HTTP_HOST, 'app.test:8080');
    assert.equal(server.HTTP_X_CUSTOM, 'yes');
    assert.equal(server.REMOTE_ADDR, '127.0.0.1');
    assert.equal(server.SERVER_PORT, String(gw.port));
    assert.equal(server.GATEWAY_INTERFACE, 'CGI/1.1');
    assert.equal(server.REDIRECT_STATUS, '200');
    assert.match(server.REQUEST_ID ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(server.HTTPS, undefined);
  });

  test('a JSON page and a repeated request over the kept connection both answer', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await httpRequest(gw.port, '/users/42');
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(res.json(), { id: 42, name: 'user 42', servedBy: 'php' });
      assert.equal(res.headers['content-length'], String(res.body.length));
    }
  });

  test('login sets both cookies as separate Set-Cookie headers and redirects with 303', async () => {
    const res = await httpRequest(gw.port, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=ada&password=x',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    const cookies = res.headers['set-cookie'] ?? [];
    assert.equal(cookies.length, 2);
    assert.match(cookies[0] ?? '', /^user=ada; path=\/; HttpOnly; SameSite=Lax$/);
    assert.match(cookies[1] ?? '', /^session=[0-9a-f]{16};/);
    const home = await httpRequest(gw.port, '/', { headers: { cookie: 'user=ada; session=abc' } });
    assert.match(home.text, /Hello, ada\./);
  });

  test('a Content-Length upload is stored and then served back as a static file', async () => {
    const content = Buffer.from('not really a jpeg ' + randomUUID());
    const boundary = 'sy' + randomUUID();
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await httpRequest(gw.port, '/upload', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    assert.equal(res.status, 201);
    assert.deepEqual(res.json(), { stored: '/uploads/photo.jpg', size: content.length, sha1: createHash('sha1').update(content).digest('hex') });
    const served = await httpRequest(gw.port, '/uploads/photo.jpg');
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/jpeg');
    assert.deepEqual(served.body, content);
  });

  test('a chunked upload larger than spoolMemory reaches PHP whole, with CONTENT_LENGTH', async () => {
    const body = Buffer.alloc(200 * 1024, 'abcdefgh');
    const res = await httpRequest(gw.port, '/server', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body, chunked: 7000 });
    assert.equal(res.status, 200);
    const dump = res.json<ServerDump>();
    assert.equal(dump.server.CONTENT_LENGTH, String(body.length));
    assert.equal(dump.bodyLength, body.length);
    assert.equal(dump.bodySha1, createHash('sha1').update(body).digest('hex'));
  });

  test('a small chunked form post is spooled in memory and parsed by PHP', async () => {
    const res = await httpRequest(gw.port, '/server', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1&y=hello',
      chunked: 3,
    });
    assert.deepEqual(res.json<ServerDump>().post, { x: '1', y: 'hello' });
  });

  test('a body over the route limit is refused with 413 before PHP runs', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1);
    const declared = await httpRequest(gw.port, '/server', { method: 'POST', body: big });
    assert.equal(declared.status, 413);
    assert.equal(declared.json().code, 'SY_ERR_BODY_TOO_LARGE');
    const chunked = await httpRequest(gw.port, '/server', { method: 'POST', body: big, chunked: 64 * 1024 });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.headers['content-type'], 'application/problem+json');
  });

  test('a streamed page reaches the client before PHP produces its last chunk', async () => {
    const gate = `gate-${randomUUID()}`;
    let opened = false;
    const res = await httpRequest(gw.port, `/fixtures/gate.php?gate=${gate}`, {
      onChunk: (chunk) => {
        if (!opened && chunk.toString().includes('first')) {
          opened = true;
          void writeFile(join(tmpdir(), gate), 'open');
        }
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-accel-buffering'], undefined, 'X-Accel-* is never forwarded');
    assert.equal(res.text, 'first\ngate seen\n');
  });

  test('the example stream page arrives in order as several chunks', async () => {
    const res = await httpRequest(gw.port, '/stream?chunks=3&pause=0');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.text, 'chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n');
  });

  test('a response larger than the buffer streams through whole and in order', async () => {
    const res = await httpRequest(gw.port, '/fixtures/big.php');
    assert.equal(res.status, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const lines = res.text.trimEnd().split('\n');
    assert.equal(lines.length, 20000);
    assert.equal(lines[19999], `0019999 ${'x'.repeat(40)}`);
    assert.ok(lines.every((l, i) => l.startsWith(String(i).padStart(7, '0'))));
    // Regression: the kept connection was left paused by backpressure and the next request
    // on it hung until the read timeout.
    const next = await httpRequest(gw.port, '/users/9');
    assert.equal(next.status, 200);
  });

  test('Status: 201 and Location are passed as PHP set them', async () => {
    const res = await httpRequest(gw.port, '/created', { method: 'POST' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, '/users/43');
  });

  test('a bare Location header redirects with 302', async () => {
    const res = await httpRequest(gw.port, '/redirect');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, '/users/42');
  });

  test('X-Accel-Redirect serves the named file with PHP\'s disposition, and ranges work on it', async () => {
    const res = await httpRequest(gw.port, '/download');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'Quarterly report (served through X-Accel-Redirect).\n');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="report.txt"');
    assert.equal(res.headers['x-accel-redirect'], undefined);
    assert.ok(res.headers.etag);
    const part = await httpRequest(gw.port, '/download', { headers: { range: 'bytes=0-8' } });
    assert.equal(part.status, 206);
    assert.equal(part.text, 'Quarterly');
  });

  test('a PHP warning is logged with the request id and the page still renders', async () => {
    const res = await httpRequest(gw.port, '/warning');
    assert.equal(res.status, 200);
    assert.match(res.text, /logged a PHP warning/);
    const line = captured.lines.find((l) => typeof l.stderr === 'string' && l.stderr.includes('legacy warning for the demo'));
    assert.ok(line, 'stderr line logged');
    assert.match(String(line.reqId), /^[0-9a-f-]{36}$/);
  });

  test('a PHP fatal becomes problem+json with the fatal in the chain', async () => {
    const res = await httpRequest(gw.port, '/fatal');
    assert.equal(res.status, 500);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    const problem = res.json<{ code: string; chain: { source: string; detail: string }[] }>();
    assert.equal(problem.code, 'SY_ERR_FASTCGI_APP_ERROR');
    assert.equal(problem.chain[0]?.source, 'php');
    assert.match(problem.chain[0]?.detail ?? '', /Fatal error: .*undefined_legacy_function/);
  });

  test('HEAD gets the head of the page and no body', async () => {
    const res = await httpRequest(gw.port, '/users/7', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.body.length, 0);
  });

  test('static files come from root with validators, PHP source never does', async () => {
    const css = await httpRequest(gw.port, '/assets/style.css');
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(css.text, /font-family/);
    const again = await httpRequest(gw.port, '/assets/style.css', { headers: { 'if-none-match': String(css.headers.etag) } });
    assert.equal(again.status, 304);
    const source = await httpRequest(gw.port, '/index.php');
    assert.doesNotMatch(source.text, /<\?php/);
  });
});
