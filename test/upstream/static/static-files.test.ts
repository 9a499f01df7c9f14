// Static files from a fastcgi upstream's root (static: true routes): validators, conditional
// GET, byte ranges, HEAD, content types; never PHP source, never outside root. No php-fpm is
// needed: a static hit never reaches it (the upstream address points nowhere on purpose).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { parseRanges } from '../../../src/upstream/static/static-files.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { fastcgiConfig } from '../fastcgi/php-app.js';

const TEXT = 'abcdefghijklmnopqrstuvwxyz\n';
const MTIME = new Date('2024-05-01T10:00:00Z');

describe('static files', () => {
  let root: string;
  let gw: ExchangeServer;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'switchyard-static-'));
    await mkdir(join(root, 'docs'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'alphabet.txt'), TEXT);
    await writeFile(join(root, 'docs/index.html'), '<h1>docs</h1>');
    await writeFile(join(root, 'assets/app.js'), 'console.log(1)');
    await writeFile(join(root, 'assets/blob.bin'), Buffer.alloc(10));
    await writeFile(join(root, 'empty.txt'), '');
    await writeFile(join(root, 'secret.php'), '<?php $password = "hunter2";');
    await writeFile(join(root, 'old.phtml'), '<?php $x = 1;');
    await writeFile(join(root, 'index.php'), '<?php');
    await utimes(join(root, 'alphabet.txt'), MTIME, MTIME);
    const config = fastcgiConfig({ root, scripts: ['index.php'], address: { kind: 'unix', path: join(root, 'no-fpm.sock') } });
    gw = await startExchangeServer({ handler: createFastcgiUpstream(config, pino({ level: 'silent' })), route: { static: true } });
  });
  after(async () => {
    await gw?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('a file comes with its type, length, ETag and Last-Modified', async () => {
    const res = await httpRequest(gw.port, '/alphabet.txt');
    assert.equal(res.status, 200);
    assert.equal(res.text, TEXT);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.headers['content-length'], String(TEXT.length));
    assert.equal(res.headers['last-modified'], MTIME.toUTCString());
    // nginx's format: hex mtime seconds - hex size.
    assert.equal(res.headers.etag, `"${(MTIME.getTime() / 1000).toString(16)}-${TEXT.length.toString(16)}"`);
    assert.equal(res.headers['accept-ranges'], 'bytes');
  });

  test('content types for common extensions', async () => {
    assert.equal((await httpRequest(gw.port, '/assets/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await httpRequest(gw.port, '/assets/blob.bin')).headers['content-type'], 'application/octet-stream');
    assert.equal((await httpRequest(gw.port, '/docs/')).headers['content-type'], 'text/html; charset=utf-8');
  });

  test('If-None-Match and If-Modified-Since give 304 without a body', async () => {
    const first = await httpRequest(gw.port, '/alphabet.txt');
    const etag = String(first.headers.etag);
    const byTag = await httpRequest(gw.port, '/alphabet.txt', { headers: { 'if-none-match': `"other", ${etag}` } });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.body.length, 0);
    assert.equal(byTag.headers.etag, etag);
    const weak = await httpRequest(gw.port, '/alphabet.txt', { headers: { 'if-none-match': `W/${etag}` } });
    assert.equal(weak.status, 304);
    const byDate = await httpRequest(gw.port, '/alphabet.txt', { headers: { 'if-modified-since': MTIME.toUTCString() } });
    assert.equal(byDate.status, 304);
    const older = await httpRequest(gw.port, '/alphabet.txt', { headers: { 'if-modified-since': new Date(MTIME.getTime() - 1000).toUTCString() } });
    assert.equal(older.status, 200);
    const changed = await httpRequest(gw.port, '/alphabet.txt', { headers: { 'if-none-match': '"stale"', 'if-modified-since': MTIME.toUTCString() } });
    assert.equal(changed.status, 200, 'If-None-Match wins over If-Modified-Since');
  });

  test('byte ranges: 206 with Content-Range', async () => {
    const cases: [range: string, body: string, contentRange: string][] = [
      ['bytes=0-2', 'abc', `bytes 0-2/${TEXT.length}`],
      ['bytes=24-', 'yz\n', `bytes 24-26/${TEXT.length}`],
      ['bytes=-3', 'yz\n', `bytes 24-26/${TEXT.length}`],
      ['bytes=25-1000', 'z\n', `bytes 25-26/${TEXT.length}`],
    ];
    for (const [range, body, contentRange] of cases) {
      const res = await httpRequest(gw.port, '/alphabet.txt', { headers: { range } });
      assert.equal(res.status, 206, range);
      assert.equal(res.text, body, range);
      assert.equal(res.headers['content-range'], contentRange, range);
      assert.equal(res.headers['content-length'], String(body.length), range);
    }
  });

  test('an unsatisfiable range is 416 problem+json with Content-Range: bytes */size', async () => {
    const res = await httpRequest(gw.port, '/alphabet.txt', { headers: { range: 'bytes=100-200' } });
    assert.equal(res.status, 416);
    assert.equal(res.headers['content-range'], `bytes */${TEXT.length}`);
    assert.equal(res.json().code, 'SY_ERR_RANGE_NOT_SATISFIABLE');
  });

  test('several ranges: 206 multipart/byteranges, each part with its type and Content-Range', async () => {
    const res = await httpRequest(gw.port, '/alphabet.txt', { headers: { range: 'bytes=0-1, 24-' } });
    assert.equal(res.status, 206);
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(String(res.headers['content-type']))?.[1];
    assert.ok(boundary, String(res.headers['content-type']));
    assert.equal(res.headers['content-length'], String(res.body.length));
    assert.equal(
      res.text,
      `\r\n--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 0-1/${TEXT.length}\r\n\r\nab` +
        `\r\n--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 24-26/${TEXT.length}\r\n\r\nyz\n` +
        `\r\n--${boundary}--\r\n`,
    );
    const head = await httpRequest(gw.port, '/alphabet.txt', { method: 'HEAD', headers: { range: 'bytes=0-1,24-' } });
    assert.equal(head.headers['content-length'], res.headers['content-length']);
    assert.equal(head.body.length, 0);
  });

  test('of several ranges, the unsatisfiable ones are dropped', async () => {
    const res = await httpRequest(gw.port, '/alphabet.txt', { headers: { range: 'bytes=500-600,2-3' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers['content-range'], `bytes 2-3/${TEXT.length}`);
    assert.equal(res.text, 'cd');
  });

  test('a malformed range, a stale If-Range, too many ranges or overlaps past the size give the whole file', async () => {
    const many = `bytes=${Array.from({ length: 17 }, (_, i) => `${i}-${i}`).join(',')}`;
    for (const headers of [{ range: 'pages=1' }, { range: 'bytes=0-1,x' }, { range: 'bytes=0-1', 'if-range': '"stale"' }, { range: many }, { range: 'bytes=0-20,5-25' }]) {
      const res = await httpRequest(gw.port, '/alphabet.txt', { headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.equal(res.text, TEXT);
    }
  });

  test('If-Range with a date: the range only when the date is Last-Modified exactly, else the whole file', async () => {
    // RFC 9110 section 13.1.5: a date validator holds only on an exact match. A later date is no
    // match either: If-Range is not If-Unmodified-Since.
    const cases: [ifRange: string, status: number, body: string][] = [
      [MTIME.toUTCString(), 206, 'abcde'],
      [new Date(MTIME.getTime() - 1000).toUTCString(), 200, TEXT],
      [new Date(MTIME.getTime() + 1000).toUTCString(), 200, TEXT],
      [new Date(MTIME.getTime() + 86_400_000).toUTCString(), 200, TEXT],
      ['not a date', 200, TEXT],
    ];
    for (const [ifRange, status, body] of cases) {
      const res = await httpRequest(gw.port, '/alphabet.txt', { headers: { range: 'bytes=0-4', 'if-range': ifRange } });
      assert.equal(res.status, status, `If-Range: ${ifRange}`);
      assert.equal(res.text, body, `If-Range: ${ifRange}`);
      assert.equal(res.headers['content-range'], status === 206 ? `bytes 0-4/${TEXT.length}` : undefined);
    }
  });

  test('HEAD: the same head, no body', async () => {
    const res = await httpRequest(gw.port, '/alphabet.txt', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(TEXT.length));
    assert.equal(res.body.length, 0);
  });

  test('an empty file is 200 with length 0', async () => {
    const res = await httpRequest(gw.port, '/empty.txt');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], '0');
  });

  test('POST to a static file is 405 with Allow', async () => {
    const res = await httpRequest(gw.port, '/alphabet.txt', { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, HEAD');
  });

  test('PHP source is never served, whatever the extension spelling', async () => {
    for (const path of ['/secret.php', '/SECRET.PHP', '/old.phtml', '/secret.php%20']) {
      const res = await httpRequest(gw.port, path);
      assert.notEqual(res.status, 200, path);
      assert.doesNotMatch(res.text, /hunter2|\$x = 1/, path);
    }
  });

  test('no traversal out of root', async () => {
    for (const path of ['/../../../../etc/passwd', '/docs/../../etc/passwd', '/%2e%2e/etc/passwd', '/docs/%2e%2e/%2e%2e/etc/hostname']) {
      const res = await httpRequest(gw.port, path);
      assert.equal(res.status, 403, path);
      assert.doesNotMatch(res.text, /root:/);
    }
  });

  test('If-Match and If-Unmodified-Since: 412 problem+json when the file changed', async () => {
    const etag = String((await httpRequest(gw.port, '/alphabet.txt')).headers.etag);
    for (const headers of [{ 'if-match': '"other"' }, { 'if-match': `W/${etag}` }, { 'if-unmodified-since': new Date(MTIME.getTime() - 1000).toUTCString() }]) {
      const res = await httpRequest(gw.port, '/alphabet.txt', { headers });
      assert.equal(res.status, 412, JSON.stringify(headers));
      assert.equal(res.json().code, 'SY_ERR_PRECONDITION_FAILED');
      assert.equal(res.headers.etag, etag);
    }
    for (const headers of [{ 'if-match': `"other", ${etag}` }, { 'if-match': '*' }, { 'if-unmodified-since': MTIME.toUTCString() }, { 'if-match': etag, 'if-unmodified-since': 'Mon, 01 Jan 1990 00:00:00 GMT' }]) {
      const res = await httpRequest(gw.port, '/alphabet.txt', { headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.equal(res.text, TEXT);
    }
  });

  test('parseRanges follows RFC 9110 section 14.1.2', () => {
    assert.deepEqual(parseRanges('bytes=0-0', 10), [{ start: 0, end: 0 }]);
    assert.deepEqual(parseRanges('bytes=-20', 10), [{ start: 0, end: 9 }]);
    assert.deepEqual(parseRanges('bytes=0-1, 8-', 10), [{ start: 0, end: 1 }, { start: 8, end: 9 }]);
    assert.equal(parseRanges('bytes=10-', 10), 'unsatisfiable');
    assert.equal(parseRanges('bytes=-0', 10), 'unsatisfiable');
    assert.equal(parseRanges('bytes=10-,20-', 10), 'unsatisfiable');
    assert.equal(parseRanges('bytes=5-2', 10), undefined);
    assert.equal(parseRanges('bytes=-', 10), undefined);
    assert.equal(parseRanges('bytes=0-1,,2-3', 10), undefined);
  });
});
