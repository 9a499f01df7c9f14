// The request parser's contract with the listener, beyond what the llhttp agreement covers: one
// stable reason per refusal and the status it maps to, the limits, pausing between pipelined
// requests, declining an upgrade, the end of the connection, and body bytes handed over without
// copies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestParser, type RequestHandler } from '../../../src/listener/http1/request-parser.js';
import type { RequestHead } from '../../../src/listener/http1/request-head.js';
import { Http1Error, reasons, type Http1Reason } from '../../../src/listener/http1/http1-error.js';
import type { Http1Limits } from '../../../src/listener/http1/limits.js';

type Event = ['head', RequestHead] | ['body', Buffer] | ['end', readonly string[] | undefined];

class Recorder implements RequestHandler {
  readonly events: Event[] = [];
  onHead: ((head: RequestHead) => void) | undefined;
  onEnd: (() => void) | undefined;
  onRequestHead(head: RequestHead): void {
    this.events.push(['head', head]);
    this.onHead?.(head);
  }
  onRequestBody(chunk: Buffer): void {
    this.events.push(['body', chunk]);
  }
  onRequestEnd(rawTrailers: readonly string[] | undefined): void {
    this.events.push(['end', rawTrailers]);
    this.onEnd?.();
  }
  heads(): RequestHead[] {
    return this.events.filter((e): e is ['head', RequestHead] => e[0] === 'head').map((e) => e[1]);
  }
  body(): string {
    return this.events
      .filter((e): e is ['body', Buffer] => e[0] === 'body')
      .map((e) => e[1].toString('latin1'))
      .join('');
  }
}

function refusal(stream: string, limits: Partial<Http1Limits> = {}): Http1Error {
  const parser = new RequestParser(new Recorder(), limits);
  try {
    parser.execute(Buffer.from(stream, 'latin1'));
    parser.finish();
  } catch (err) {
    assert.ok(err instanceof Http1Error, `not an Http1Error: ${String(err)}`);
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(stream)}`);
}

const R = '\r\n';
const REFUSALS: [Http1Reason, string, number][] = [
  ['invalid-method', `FOO / HTTP/1.1${R}${R}`, 400],
  ['invalid-request-line', `GET  / HTTP/1.1${R}${R}`, 400],
  ['invalid-target', `GET foo HTTP/1.1${R}${R}`, 400],
  ['invalid-target-char', `GET /\x80 HTTP/1.1${R}${R}`, 400],
  ['invalid-version', `GET / HTTP/1.2${R}${R}`, 400],
  ['bare-lf', `GET / HTTP/1.1\nHost: a${R}${R}`, 400],
  ['bare-cr', `GET / HTTP/1.1${R}Host: a\rb${R}${R}`, 400],
  ['invalid-header-name', `GET / HTTP/1.1${R}Ho(st: a${R}${R}`, 400],
  ['space-before-colon', `GET / HTTP/1.1${R}Host : a${R}${R}`, 400],
  ['invalid-header-value', `GET / HTTP/1.1${R}X: a\0b${R}${R}`, 400],
  ['obs-fold', `GET / HTTP/1.1${R}X: a${R} b${R}${R}`, 400],
  ['whitespace-after-start-line', `GET / HTTP/1.1${R} X: a${R}${R}`, 400],
  ['duplicate-host', `GET / HTTP/1.1${R}Host: a${R}Host: b${R}${R}`, 400],
  ['headers-too-large', `GET /${'a'.repeat(17000)} HTTP/1.1${R}${R}`, 431],
  ['too-many-headers', `GET / HTTP/1.1${R}${'X: 1\r\n'.repeat(101)}${R}`, 431],
  ['invalid-content-length', `POST / HTTP/1.1${R}Content-Length: -1${R}${R}`, 400],
  ['content-length-too-large', `POST / HTTP/1.1${R}Content-Length: 9007199254740992${R}${R}`, 400],
  ['duplicate-content-length', `POST / HTTP/1.1${R}Content-Length: 1${R}Content-Length: 1${R}${R}x`, 400],
  ['content-length-with-transfer-encoding', `POST / HTTP/1.1${R}Content-Length: 1${R}Transfer-Encoding: chunked${R}${R}`, 400],
  ['invalid-transfer-encoding', `POST / HTTP/1.1${R}Transfer-Encoding: chunked, gzip${R}${R}`, 400],
  ['invalid-chunk-size', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}x${R}`, 400],
  ['chunk-size-too-large', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}20000000000000${R}`, 400],
  ['invalid-chunk-extension', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}1; a${R}`, 400],
  ['chunk-extensions-too-large', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}1;a=${'b'.repeat(17000)}${R}`, 413],
  ['missing-crlf-after-chunk', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}1${R}ab${R}`, 400],
  ['forbidden-trailer', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}0${R}Content-Length: 1${R}${R}`, 400],
  ['trailers-too-large', `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}0${R}X: ${'v'.repeat(17000)}${R}${R}`, 431],
  ['data-after-close', `GET / HTTP/1.1${R}Connection: close${R}${R}GET / HTTP/1.1${R}${R}`, 400],
  ['unexpected-eof', `POST / HTTP/1.1${R}Content-Length: 5${R}${R}abc`, 400],
];

describe('request parser', () => {
  test('each refusal has its own reason and status', () => {
    for (const [reason, stream, status] of REFUSALS) {
      const err = refusal(stream);
      assert.equal(err.reason, reason, JSON.stringify(stream.slice(0, 80)));
      assert.equal(err.status, status, reason);
      assert.ok(err.message.startsWith(reasons[reason]), err.message);
    }
  });

  test('the limits are configurable and checked before a line ends', () => {
    assert.equal(refusal(`GET / HTTP/1.1${R}A: 1${R}B: 2${R}C: 3${R}${R}`, { maxHeaderCount: 2 }).reason, 'too-many-headers');
    const parser = new RequestParser(new Recorder(), { maxHeaderBytes: 1024 });
    // A line that never ends is refused once it passes the limit, not kept in memory.
    parser.execute(Buffer.from(`GET / HTTP/1.1${R}X: `));
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.execute(Buffer.alloc(64, 0x61));
    }, (err: unknown) => err instanceof Http1Error && err.reason === 'headers-too-large');
    // A head of exactly the limit passes; one byte more does not.
    const head = (n: number) => `GET / HTTP/1.1${R}X: ${'v'.repeat(n)}${R}${R}`;
    const fits = 1024 - head(0).length;
    const ok = new Recorder();
    new RequestParser(ok, { maxHeaderBytes: 1024 }).execute(Buffer.from(head(fits)));
    assert.equal(ok.heads().length, 1);
    assert.equal(refusal(head(fits + 1), { maxHeaderBytes: 1024 }).reason, 'headers-too-large');
  });

  test('pipelined requests come in order, and pausing at an end holds the next one back', () => {
    const rec = new Recorder();
    const parser = new RequestParser(rec);
    rec.onEnd = () => parser.pause();
    const stream = Buffer.from(`POST /1 HTTP/1.1${R}Content-Length: 2${R}${R}abGET /2 HTTP/1.1${R}${R}`);
    const used = parser.execute(stream);
    assert.equal(rec.heads().length, 1);
    assert.equal(stream.subarray(used).toString(), `GET /2 HTTP/1.1${R}${R}`);
    assert.equal(parser.execute(stream.subarray(used)), 0, 'a paused parser consumes nothing');
    parser.resume();
    assert.equal(parser.execute(stream.subarray(used)), stream.length - used);
    assert.deepEqual(
      rec.heads().map((h) => h.target),
      ['/1', '/2'],
    );
    assert.equal(rec.body(), 'ab');
    assert.ok(parser.idle);
  });

  test('body pieces are views of the input, delivered as they arrive', () => {
    const rec = new Recorder();
    const parser = new RequestParser(rec);
    const first = Buffer.from(`POST / HTTP/1.1${R}Content-Length: 6${R}${R}abc`);
    parser.execute(first);
    const piece = rec.events.at(-1);
    assert.ok(piece?.[0] === 'body');
    assert.equal(piece[1].buffer, first.buffer, 'no copy of the body');
    assert.equal(piece[1].toString(), 'abc');
    parser.execute(Buffer.from('def'));
    assert.equal(rec.body(), 'abcdef');
    assert.deepEqual(rec.events.at(-1), ['end', undefined]);
  });

  test('chunked bodies lose their framing, trailers come with the end', () => {
    const rec = new Recorder();
    new RequestParser(rec).execute(Buffer.from(`POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}3;x=y${R}abc${R}a${R}0123456789${R}0${R}Checksum: 1${R}${R}`));
    const [head] = rec.heads();
    assert.equal(head?.bodyKind, 'chunked');
    assert.equal(head?.contentLength, undefined);
    assert.equal(rec.body(), 'abc0123456789');
    assert.deepEqual(rec.events.at(-1), ['end', ['Checksum', '1']]);
  });

  test('an upgrade stops the parser after its head; the listener can take the rest or go on as HTTP', () => {
    const stream = Buffer.from(`POST /ws HTTP/1.1${R}Upgrade: h2c${R}Connection: upgrade${R}Content-Length: 3${R}${R}abcGET /next HTTP/1.1${R}${R}`);
    const rec = new Recorder();
    const parser = new RequestParser(rec);
    const used = parser.execute(stream);
    assert.equal(rec.heads()[0]?.upgrade, true);
    assert.equal(stream.subarray(used).toString(), `abcGET /next HTTP/1.1${R}${R}`, 'the body is not read for the upgrade');
    parser.continueAsHttp();
    parser.execute(stream.subarray(used));
    assert.equal(rec.body(), 'abc');
    assert.deepEqual(
      rec.heads().map((h) => h.target),
      ['/ws', '/next'],
    );
  });

  test('declining an upgrade whose body cannot be delimited refuses it then', () => {
    const rec = new Recorder();
    const parser = new RequestParser(rec);
    parser.execute(Buffer.from(`GET / HTTP/1.1${R}Upgrade: x${R}Connection: upgrade${R}Transfer-Encoding: gzip${R}${R}`));
    assert.equal(rec.heads()[0]?.upgrade, true);
    assert.throws(() => parser.continueAsHttp(), (err: unknown) => err instanceof Http1Error && err.reason === 'invalid-transfer-encoding');
    assert.throws(() => parser.execute(Buffer.from('x')), (err: unknown) => err instanceof Http1Error && err.reason === 'invalid-transfer-encoding');
  });

  test('keep-alive, Expect and framing are decided from the fields', () => {
    const cases: [string, Partial<RequestHead>][] = [
      [`GET / HTTP/1.1${R}${R}`, { keepAlive: true, bodyKind: 'none', contentLength: 0 }],
      [`GET / HTTP/1.1${R}Connection: Keep-Alive, CLOSE${R}${R}`, { keepAlive: false }],
      [`GET / HTTP/1.0${R}${R}`, { keepAlive: false }],
      [`GET / HTTP/1.0${R}Connection: keep-alive${R}${R}`, { keepAlive: true }],
      [`GET / HTTP/1.0${R}Connection: keep-alive, close${R}${R}`, { keepAlive: false }],
      [`POST / HTTP/1.1${R}Expect: 100-continue${R}Content-Length: 1${R}${R}`, { expectContinue: true, bodyKind: 'length', contentLength: 1 }],
      [`POST / HTTP/1.0${R}Expect: 100-continue${R}Content-Length: 1${R}${R}`, { expectContinue: false }],
      [`CONNECT a:443 HTTP/1.1${R}${R}`, { upgrade: true }],
      [`GET / HTTP/1.1${R}Upgrade: websocket${R}${R}`, { upgrade: false }],
    ];
    for (const [stream, expected] of cases) {
      const rec = new Recorder();
      new RequestParser(rec).execute(Buffer.from(stream));
      const head = rec.heads()[0];
      assert.ok(head !== undefined, stream);
      for (const [key, value] of Object.entries(expected)) assert.equal(head[key as keyof RequestHead], value, `${key} of ${JSON.stringify(stream)}`);
    }
  });

  test('the end of the connection: clean between requests, refused inside one', () => {
    const idle = new RequestParser(new Recorder());
    idle.execute(Buffer.from(`GET / HTTP/1.1${R}${R}\r`));
    assert.doesNotThrow(() => idle.finish());
    for (const cut of [`GET / HTT`, `GET / HTTP/1.1${R}Host: a${R}`, `POST / HTTP/1.1${R}Transfer-Encoding: chunked${R}${R}5${R}ab`]) {
      const parser = new RequestParser(new Recorder());
      parser.execute(Buffer.from(cut));
      assert.throws(() => parser.finish(), (err: unknown) => err instanceof Http1Error && err.reason === 'unexpected-eof', cut);
    }
  });

  test('headers are looked up as node joins them', () => {
    const rec = new Recorder();
    new RequestParser(rec).execute(Buffer.from(`GET / HTTP/1.1${R}Host: a${R}Cookie: a=1${R}cookie: b=2${R}Accept: x${R}ACCEPT: y${R}Set-Cookie: 1${R}Set-Cookie: 2${R}User-Agent: u1${R}User-Agent: u2${R}${R}`.replace('Host: a\r\n', '')));
    assert.deepEqual(rec.heads()[0]?.headers, { cookie: 'a=1; b=2', accept: 'x, y', 'set-cookie': ['1', '2'], 'user-agent': 'u1' });
  });
});
