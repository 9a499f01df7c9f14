// The response head serializer and the chunked encoder: the framing each response gets, what the
// connection does after it, refusal of anything that could inject a line, and node's own HTTP
// client (llhttp in response mode) reading what they write.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Duplex } from 'node:stream';
import { serializeResponseHead, type ResponseHeadInit } from '../../../src/listener/http1/write-response-head.js';
import { LAST_CHUNK, chunkSizeLine, encodeChunk, lastChunk } from '../../../src/listener/http1/chunked-encoder.js';
import { Http1Error } from '../../../src/listener/http1/http1-error.js';

const GET11 = { method: 'GET', httpVersion: '1.1', keepAlive: true } as const;
const GET10 = { method: 'GET', httpVersion: '1.0', keepAlive: false } as const;
const GET10_KEPT = { method: 'GET', httpVersion: '1.0', keepAlive: true } as const;
const HEAD11 = { method: 'HEAD', httpVersion: '1.1', keepAlive: true } as const;

/** The field lines of a serialized head, without the Date line, as "name: value" strings. */
function lines(head: string): string[] {
  return head
    .split('\r\n')
    .slice(1, -2)
    .filter((l) => !l.startsWith('Date: '));
}

interface NodeRead {
  status: number;
  rawHeaders: string[];
  body: string;
  rawTrailers: string[];
}

/** Has node's HTTP client read `response` as the answer to a `method` request. */
function readWithNode(method: string, response: Buffer): Promise<NodeRead> {
  return new Promise((resolve, reject) => {
    let sent = false;
    const socket = new Duplex({
      read() {},
      write(_chunk, _encoding, callback) {
        if (!sent) {
          sent = true;
          socket.push(response);
          socket.push(null);
        }
        callback();
      },
    });
    const req = request({ method, path: '/', host: 'a', createConnection: () => socket as never }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body, rawTrailers: res.rawTrailers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('response head serializer', () => {
  test('framing and connection follow the request and the status', () => {
    const cases: [Partial<ResponseHeadInit> & Pick<ResponseHeadInit, 'request'>, string, boolean, string[]][] = [
      // init, framing, keepAlive, field lines (Date aside)
      [{ request: GET11, bodyLength: 5 }, 'length', true, ['Content-Length: 5']],
      [{ request: GET11 }, 'chunked', true, ['Transfer-Encoding: chunked']],
      [{ request: GET11, headers: { 'content-length': 3 } }, 'length', true, ['content-length: 3']],
      [{ request: GET11, headers: { 'Transfer-Encoding': 'chunked' } }, 'chunked', true, ['Transfer-Encoding: chunked']],
      [{ request: GET10 }, 'close', false, ['Connection: close']],
      [{ request: GET10, headers: { 'transfer-encoding': 'chunked' } }, 'close', false, ['Connection: close']],
      [{ request: GET10_KEPT, bodyLength: 0 }, 'length', true, ['Content-Length: 0', 'Connection: keep-alive']],
      [{ request: GET10_KEPT }, 'close', false, ['Connection: close']],
      [{ request: { ...GET11, keepAlive: false }, bodyLength: 1 }, 'length', false, ['Content-Length: 1', 'Connection: close']],
      [{ request: GET11, bodyLength: 1, headers: { connection: 'close' } }, 'length', false, ['connection: close', 'Content-Length: 1']],
      [{ request: HEAD11, bodyLength: 42 }, 'none', true, ['Content-Length: 42']],
      [{ request: HEAD11, headers: { 'content-length': '7' } }, 'none', true, ['content-length: 7']],
      [{ request: GET11, status: 204, headers: { 'content-length': '0', 'transfer-encoding': 'chunked', x: '1' } }, 'none', true, ['x: 1']],
      [{ request: GET11, status: 304, headers: { 'content-length': '9', etag: '"a"' } }, 'none', true, ['content-length: 9', 'etag: "a"']],
      [{ request: GET11, status: 103, headers: { link: '</a.css>; rel=preload' } }, 'none', true, ['link: </a.css>; rel=preload']],
      [{ request: GET11, status: 101, headers: { upgrade: 'websocket', connection: 'Upgrade' } }, 'none', false, ['upgrade: websocket', 'connection: Upgrade']],
    ];
    for (const [init, framing, keepAlive, expected] of cases) {
      const out = serializeResponseHead({ status: 200, headers: {}, ...init });
      const label = JSON.stringify(init);
      assert.equal(out.framing, framing, label);
      assert.equal(out.keepAlive, keepAlive, label);
      assert.deepEqual(lines(out.head), expected, label);
      assert.ok(out.head.startsWith(`HTTP/1.1 ${init.status ?? 200} `) && out.head.endsWith('\r\n\r\n'), label);
    }
  });

  test('fields come out in order, repeated as given, from an object or raw pairs', () => {
    const fromObject = serializeResponseHead({ status: 200, request: GET11, bodyLength: 0, headers: { 'Set-Cookie': ['a=1', 'b=2'], 'X-N': 7 } });
    assert.deepEqual(lines(fromObject.head), ['Set-Cookie: a=1', 'Set-Cookie: b=2', 'X-N: 7', 'Content-Length: 0']);
    const fromPairs = serializeResponseHead({ status: 404, reason: 'Gone Fishing', request: GET11, bodyLength: 0, headers: ['Via', '1.1 a', 'via', '1.1 b'] });
    assert.ok(fromPairs.head.startsWith('HTTP/1.1 404 Gone Fishing\r\n'));
    assert.deepEqual(lines(fromPairs.head), ['Via: 1.1 a', 'via: 1.1 b', 'Content-Length: 0']);
  });

  test('a Date field is added once, unless the headers have one or it is turned off', () => {
    const out = serializeResponseHead({ status: 200, request: GET11, bodyLength: 0, headers: {} });
    assert.match(out.head, /\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
    assert.doesNotMatch(serializeResponseHead({ status: 200, request: GET11, bodyLength: 0, headers: { date: 'x' } }).head, /Date:/);
    assert.doesNotMatch(serializeResponseHead({ status: 200, request: GET11, bodyLength: 0, headers: {}, date: false }).head, /date:/i);
  });

  test('nothing that could inject a line or a second response is written', () => {
    const bad: [Partial<ResponseHeadInit>, string][] = [
      [{ headers: { 'x-a': 'v\r\nSet-Cookie: evil=1' } }, 'invalid-header-value'],
      [{ headers: { 'x-a': 'v\nx' } }, 'invalid-header-value'],
      [{ headers: { 'x-a': 'v\0' } }, 'invalid-header-value'],
      [{ headers: { 'x-a': 'caf\u0100' } }, 'invalid-header-value'],
      [{ headers: ['x-a', 'ok', 'bad name', 'v'] }, 'invalid-header-name'],
      [{ headers: { 'x:a': 'v' } }, 'invalid-header-name'],
      [{ headers: { '': 'v' } }, 'invalid-header-name'],
      [{ reason: 'OK\r\nX: y' }, 'invalid-reason'],
      [{ status: 99 }, 'invalid-status'],
      [{ status: 1000 }, 'invalid-status'],
      [{ status: 200.5 }, 'invalid-status'],
      [{ headers: { 'content-length': '3', 'transfer-encoding': 'chunked' } }, 'content-length-with-transfer-encoding'],
      [{ headers: { 'transfer-encoding': 'gzip' } }, 'unsupported-transfer-encoding'],
      [{ headers: { 'content-length': '-1' } }, 'invalid-content-length'],
      [{ headers: ['Content-Length', '1', 'Content-Length', '1'] }, 'duplicate-content-length'],
      [{ bodyLength: -1 }, 'invalid-content-length'],
    ];
    for (const [init, reason] of bad) {
      assert.throws(
        () => serializeResponseHead({ status: 200, headers: {}, request: GET11, ...init }),
        (err: unknown) => err instanceof Http1Error && err.reason === reason && err.code === 'SY_ERR_INTERNAL',
        JSON.stringify(init),
      );
    }
  });

  test('the chunked encoder frames pieces and ends the body', () => {
    assert.equal(chunkSizeLine(255), 'ff\r\n');
    assert.equal(encodeChunk(Buffer.from('hello')).toString(), '5\r\nhello\r\n');
    assert.equal(encodeChunk('é').toString('latin1'), '2\r\n\xc3\xa9\r\n');
    assert.equal(encodeChunk(Buffer.alloc(0)).length, 0, 'an empty piece would end the body');
    assert.equal(encodeChunk(Buffer.alloc(4096, 0x61)).subarray(0, 5).toString(), '1000\r');
    assert.equal(lastChunk(), LAST_CHUNK);
    assert.equal(lastChunk({ 'X-Checksum': 'abc' }), '0\r\nX-Checksum: abc\r\n\r\n');
    assert.throws(() => lastChunk({ x: 'a\r\nb' }), (err: unknown) => err instanceof Http1Error && err.reason === 'invalid-header-value');
  });

  test("node's HTTP client reads what the serializer and the encoder write", async () => {
    const length = serializeResponseHead({ status: 200, request: GET11, bodyLength: 5, headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] } });
    const read1 = await readWithNode('GET', Buffer.concat([Buffer.from(length.head, 'latin1'), Buffer.from('hello')]));
    assert.equal(read1.status, 200);
    assert.equal(read1.body, 'hello');
    assert.deepEqual(read1.rawHeaders.slice(0, 6), ['content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2']);

    const chunked = serializeResponseHead({ status: 201, request: GET11, headers: { trailer: 'X-Sum' } });
    assert.equal(chunked.framing, 'chunked');
    const read2 = await readWithNode('GET', Buffer.concat([Buffer.from(chunked.head, 'latin1'), encodeChunk('hel'), encodeChunk(''), encodeChunk(Buffer.alloc(300, 0x6c)), Buffer.from(lastChunk(['X-Sum', '42']))]));
    assert.equal(read2.status, 201);
    assert.equal(read2.body, `hel${'l'.repeat(300)}`);
    assert.deepEqual(read2.rawTrailers, ['X-Sum', '42']);

    const head = serializeResponseHead({ status: 200, request: HEAD11, bodyLength: 10, headers: {} });
    const read3 = await readWithNode('HEAD', Buffer.from(head.head, 'latin1'));
    assert.equal(read3.body, '');
    assert.equal(read3.rawHeaders[read3.rawHeaders.indexOf('Content-Length') + 1], '10');

    const http10 = serializeResponseHead({ status: 200, request: GET10, headers: {} });
    const read4 = await readWithNode('GET', Buffer.concat([Buffer.from(http10.head, 'latin1'), Buffer.from('until the end')]));
    assert.equal(read4.body, 'until the end');

    const noContent = serializeResponseHead({ status: 204, request: GET11, headers: { 'content-length': '5' } });
    const read5 = await readWithNode('GET', Buffer.from(noContent.head, 'latin1'));
    assert.equal(read5.status, 204);
    assert.equal(read5.body, '');
  });
});
