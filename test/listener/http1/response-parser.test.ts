// The upstream response parser: where each body ends (RFC 9112 §6.3) for every kind of response,
// interim responses, pipelined responses, and the upstream that lies about its length or sends
// what nobody asked for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser, type ResponseHandler } from '../../../src/listener/http1/response-parser.js';
import type { ResponseHead } from '../../../src/listener/http1/response-head.js';
import { Http1Error } from '../../../src/listener/http1/http1-error.js';

class Recorder implements ResponseHandler {
  readonly heads: ResponseHead[] = [];
  readonly bodies: string[] = [];
  readonly trailers: (readonly string[] | undefined)[] = [];
  #body = '';
  onResponseHead(head: ResponseHead): void {
    this.heads.push(head);
    this.#body = '';
  }
  onResponseBody(chunk: Buffer): void {
    this.#body += chunk.toString('latin1');
  }
  onResponseEnd(rawTrailers: readonly string[] | undefined): void {
    this.bodies.push(this.#body);
    this.trailers.push(rawTrailers);
  }
}

const R = '\r\n';

/** Feeds `stream` byte by byte after expecting responses to `methods`, optionally ending it. */
function parse(methods: string[], stream: string, end = false): { rec: Recorder; parser: ResponseParser } {
  const rec = new Recorder();
  const parser = new ResponseParser(rec);
  for (const m of methods) parser.expectResponse(m);
  const bytes = Buffer.from(stream, 'latin1');
  for (let i = 0; i < bytes.length; i++) {
    if (parser.execute(bytes.subarray(i, i + 1)) === 0) break;
  }
  if (end) parser.finish();
  return { rec, parser };
}

function refused(methods: string[], stream: string, end = false): string {
  try {
    parse(methods, stream, end);
  } catch (err) {
    assert.ok(err instanceof Http1Error, String(err));
    assert.equal(err.code.startsWith('SY_ERR_UPSTREAM_'), true, err.code);
    return err.reason;
  }
  assert.fail(`accepted ${JSON.stringify(stream)}`);
}

describe('response parser', () => {
  test('RFC 9112 §6.3 decides where the body ends', () => {
    const cases: [string, string, string, string, boolean][] = [
      // method, response, expected body kind, body, keepAlive
      ['GET', `HTTP/1.1 200 OK${R}Content-Length: 3${R}${R}abc`, 'length', 'abc', true],
      ['GET', `HTTP/1.1 200 OK${R}Transfer-Encoding: chunked${R}${R}3${R}abc${R}0${R}${R}`, 'chunked', 'abc', true],
      ['HEAD', `HTTP/1.1 200 OK${R}Content-Length: 3${R}${R}`, 'none', '', true],
      ['HEAD', `HTTP/1.1 200 OK${R}Transfer-Encoding: chunked${R}${R}`, 'none', '', true],
      ['GET', `HTTP/1.1 204 No Content${R}Content-Length: 3${R}${R}`, 'none', '', true],
      ['GET', `HTTP/1.1 304 Not Modified${R}Content-Length: 3${R}${R}`, 'none', '', true],
      ['GET', `HTTP/1.1 200 OK${R}Content-Length: 0${R}${R}`, 'none', '', true],
      ['GET', `HTTP/1.1 200 OK${R}${R}until close`, 'close', 'until close', false],
      ['GET', `HTTP/1.1 200 OK${R}Transfer-Encoding: gzip${R}${R}zzz`, 'close', 'zzz', false],
      ['GET', `HTTP/1.0 200 OK${R}Content-Length: 1${R}${R}x`, 'length', 'x', false],
      ['GET', `HTTP/1.0 200 OK${R}Connection: keep-alive${R}Content-Length: 1${R}${R}x`, 'length', 'x', true],
      ['GET', `HTTP/1.1 200 OK${R}Connection: close${R}Content-Length: 1${R}${R}x`, 'length', 'x', false],
      ['GET', `HTTP/1.1 200${R}Content-Length: 1${R}${R}x`, 'length', 'x', true],
    ];
    for (const [method, stream, kind, body, keepAlive] of cases) {
      const { rec } = parse([method], stream, true);
      const head = rec.heads.at(-1);
      assert.equal(head?.bodyKind, kind, stream);
      assert.equal(head?.keepAlive, keepAlive, stream);
      assert.deepEqual(rec.bodies, [body], stream);
    }
  });

  test('interim responses come before the final one, without an end of their own', () => {
    const { rec, parser } = parse(['POST'], `HTTP/1.1 100 Continue${R}${R}HTTP/1.1 103 Early Hints${R}Link: </a.css>${R}${R}HTTP/1.1 201 Created${R}Content-Length: 2${R}${R}ok`);
    assert.deepEqual(
      rec.heads.map((h) => [h.status, h.informational]),
      [
        [100, true],
        [103, true],
        [201, false],
      ],
    );
    assert.deepEqual(rec.bodies, ['ok']);
    assert.equal(parser.pending, 0);
  });

  test('101 and a 2xx to CONNECT hand the connection over after the head', () => {
    const upgrade = Buffer.from(`HTTP/1.1 101 Switching Protocols${R}Upgrade: websocket${R}Connection: Upgrade${R}${R}\x81\x00`, 'latin1');
    const rec = new Recorder();
    const parser = new ResponseParser(rec);
    parser.expectResponse('GET');
    const used = parser.execute(upgrade);
    assert.equal(rec.heads[0]?.bodyKind, 'tunnel');
    assert.deepEqual([...upgrade.subarray(used)], [0x81, 0x00]);
    const tunnel = parse(['CONNECT'], `HTTP/1.1 200 Connection Established${R}${R}`).rec;
    assert.equal(tunnel.heads[0]?.bodyKind, 'tunnel');
    const refusedConnect = parse(['CONNECT'], `HTTP/1.1 407 Proxy Authentication Required${R}Content-Length: 1${R}${R}x`).rec;
    assert.deepEqual(refusedConnect.bodies, ['x']);
  });

  test('pipelined responses are matched to their requests in order', () => {
    const { rec, parser } = parse(['GET', 'HEAD', 'GET'], `HTTP/1.1 200 OK${R}Content-Length: 1${R}${R}aHTTP/1.1 200 OK${R}Content-Length: 5${R}${R}HTTP/1.1 200 OK${R}Transfer-Encoding: chunked${R}${R}1${R}c${R}0${R}X: 1${R}${R}`);
    assert.deepEqual(rec.bodies, ['a', '', 'c']);
    assert.deepEqual(rec.trailers, [undefined, undefined, ['X', '1']]);
    assert.equal(parser.pending, 0);
    assert.ok(parser.idle);
  });

  test('an upstream that closes before answering leaves the parser idle with the request pending', () => {
    const { parser } = parse(['GET'], '', true);
    assert.equal(parser.pending, 1);
    assert.ok(parser.idle);
  });

  test('a lying Content-Length is refused either way', () => {
    assert.equal(refused(['GET'], `HTTP/1.1 200 OK${R}Content-Length: 5${R}${R}abc`, true), 'unexpected-eof');
    assert.equal(refused(['GET'], `HTTP/1.1 200 OK${R}Content-Length: 2${R}${R}abc`), 'unexpected-data');
    assert.equal(refused(['GET'], `HTTP/1.1 200 OK${R}Transfer-Encoding: chunked${R}${R}5${R}abc`, true), 'unexpected-eof');
  });

  test('malformed heads are refused with the request rules', () => {
    const cases: [string, string][] = [
      [`HTTP/1.1 200 OK${R}Content-Length: 1${R}Transfer-Encoding: chunked${R}${R}`, 'content-length-with-transfer-encoding'],
      [`HTTP/1.1 200 OK${R}Content-Length: 1${R}Content-Length: 2${R}${R}`, 'duplicate-content-length'],
      [`HTTP/1.1 200 OK${R}Content-Length: 1x${R}${R}`, 'invalid-content-length'],
      [`HTTP/1.1 200 OK\nContent-Length: 1${R}${R}`, 'bare-lf'],
      [`HTTP/1.1 200 OK${R}X: a${R} b${R}${R}`, 'obs-fold'],
      [`HTTP/1.1 200 OK${R}X: a\rb${R}${R}`, 'bare-cr'],
      [`HTTP/1.1 200 OK\0${R}${R}`, 'invalid-status-line'],
      [`HTTP/1.1 20 OK${R}${R}`, 'invalid-status-line'],
      [`HTTP/1.1 099 OK${R}${R}`, 'invalid-status'],
      [`HTTP/2.0 200 OK${R}${R}`, 'invalid-status-line'],
      [`HTTP/1.1  200 OK${R}${R}`, 'invalid-status-line'],
      [`HTTP/1.1 200 OK${R}Transfer-Encoding: chunked${R}${R}3 ${R}abc${R}0${R}${R}`, 'invalid-chunk-size'],
      [`HTTP/1.1 200 OK${R}Transfer-Encoding: chunked${R}${R}1${R}a0${R}${R}`, 'missing-crlf-after-chunk'],
    ];
    for (const [stream, reason] of cases) assert.equal(refused(['GET'], stream), reason, stream);
  });

  test('bytes nobody asked for are refused at once', () => {
    assert.equal(refused([], `HTTP/1.1 200 OK${R}${R}`), 'unexpected-data');
    assert.equal(refused(['GET', 'GET'], `HTTP/1.1 200 OK${R}Connection: close${R}Content-Length: 0${R}${R}HTTP/1.1 200 OK${R}${R}`), 'data-after-close');
  });

  test('a head past the limit is an upstream headers error', () => {
    const rec = new Recorder();
    const parser = new ResponseParser(rec, { maxHeaderBytes: 256 });
    parser.expectResponse('GET');
    assert.throws(
      () => parser.execute(Buffer.from(`HTTP/1.1 200 OK${R}X: ${'v'.repeat(300)}${R}${R}`)),
      (err: unknown) => err instanceof Http1Error && err.reason === 'headers-too-large' && err.code === 'SY_ERR_UPSTREAM_HEADERS_TOO_LARGE',
    );
  });
});
