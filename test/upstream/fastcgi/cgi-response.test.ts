// The CGI response head as nginx reads it from php-fpm (RFC 3875 section 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CgiHeadParser, MAX_HEAD_BYTES, parseHead } from '../../../src/upstream/fastcgi/cgi-response.js';
import { isSwitchyardError } from '../../../src/errors.js';

const label = 'upstream "legacy"';

test('status, repeated headers and X-Accel controls', () => {
  const cases: [head: string, status: number, check: (h: ReturnType<typeof parseHead>) => void][] = [
    ['Content-Type: text/html', 200, (h) => assert.equal(h.headers['content-type'], 'text/html')],
    ['Status: 404 Not Found', 404, () => {}],
    ['Status: 201', 201, () => {}],
    ['Location: /x', 302, (h) => assert.equal(h.headers.location, '/x')],
    ['Status: 301\r\nLocation: /y', 301, () => {}],
    ['Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nSet-Cookie: c=3', 200, (h) => assert.deepEqual(h.headers['set-cookie'], ['a=1', 'b=2', 'c=3'])],
    ['Vary: a\r\nVary: b', 200, (h) => assert.deepEqual(h.headers.vary, ['a', 'b'])],
    ['X-Accel-Redirect: /files/a.pdf', 200, (h) => assert.equal(h.accelRedirect, '/files/a.pdf')],
    ['X-Accel-Buffering: no', 200, (h) => assert.equal(h.buffering, false)],
    ['X-Accel-Buffering: yes', 200, (h) => assert.equal(h.buffering, true)],
    ['Transfer-Encoding: chunked\r\nConnection: close', 200, (h) => assert.deepEqual(h.headers, {})],
  ];
  for (const [head, status, check] of cases) {
    const parsed = parseHead(head, label);
    assert.equal(parsed.status, status, head);
    assert.equal(parsed.headers.status, undefined, 'Status is never forwarded');
    check(parsed);
  }
});

test('invalid heads are 502s with the offending text', () => {
  const bad: [head: string, code: string][] = [
    ['Status: abc', 'SY_ERR_FASTCGI_STATUS'],
    ['Status: 99', 'SY_ERR_FASTCGI_STATUS'],
    ['Status: 1000', 'SY_ERR_FASTCGI_STATUS'],
    ['no colon here', 'SY_ERR_UPSTREAM_PROTOCOL'],
    [': empty name', 'SY_ERR_UPSTREAM_PROTOCOL'],
    ['Bad Name: x', 'SY_ERR_UPSTREAM_PROTOCOL'],
  ];
  for (const [head, code] of bad) {
    assert.throws(() => parseHead(head, label), (err: unknown) => isSwitchyardError(err) && err.code === code && err.message.includes('upstream "legacy"'), head);
  }
});

test('the head may arrive in pieces, with CRLF or bare LF, and the body bytes are kept', () => {
  const parser = new CgiHeadParser(label);
  assert.equal(parser.push(Buffer.from('Content-Type: text/plain\r')), undefined);
  assert.equal(parser.push(Buffer.from('\n\r')), undefined);
  const done = parser.push(Buffer.from('\nbody'));
  assert.equal(done?.head.headers['content-type'], 'text/plain');
  assert.equal(done?.body.toString(), 'body');
  const lf = new CgiHeadParser(label).push(Buffer.from('A: 1\n\nrest'));
  assert.equal(lf?.body.toString(), 'rest');
});

test('a head larger than the limit is refused', () => {
  const parser = new CgiHeadParser(label);
  assert.throws(() => parser.push(Buffer.from('X: ' + 'a'.repeat(MAX_HEAD_BYTES))), /head over/);
});
