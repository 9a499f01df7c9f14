// FastCGI record framing (FastCGI 1.0 section 3): what we encode is what a parser reads back,
// across any split of the byte stream, and streams that lie are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FastcgiProtocolError,
  RecordParser,
  RecordType,
  decodeEndRequest,
  encodeBeginRequest,
  encodeEndRequest,
  encodeHeader,
  encodeRequest,
  encodeStream,
} from '../../../src/upstream/fastcgi/record.js';

test('BEGIN_REQUEST carries the responder role and the keep-conn flag', () => {
  const record = encodeBeginRequest(1, true);
  assert.deepEqual([...record], [1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  assert.equal(encodeBeginRequest(1, false)[10], 0);
});

test('a stream over 65535 bytes is split into aligned records and read back whole', () => {
  const content = Buffer.alloc(150_000);
  for (let i = 0; i < content.length; i++) content[i] = i % 251;
  const wire = Buffer.concat(encodeStream(RecordType.STDOUT, 1, content));
  const records = new RecordParser().push(wire);
  assert.deepEqual(records.map((r) => r.content.length), [65535, 65535, 18930]);
  assert.ok(records.every((r) => r.type === RecordType.STDOUT && r.requestId === 1));
  assert.deepEqual(Buffer.concat(records.map((r) => r.content)), content);
  // Each record is padded to a multiple of 8 bytes, as nginx and php-fpm do.
  assert.equal(wire.length % 8, 0);
});

test('an empty stream is one empty record (the end-of-stream marker)', () => {
  const wire = Buffer.concat(encodeStream(RecordType.STDIN, 1, Buffer.alloc(0)));
  assert.equal(wire.length, 8);
  const [record] = new RecordParser().push(wire);
  assert.equal(record?.content.length, 0);
});

test('the parser gives the same records however the bytes are split', () => {
  const wire = Buffer.concat([
    ...encodeStream(RecordType.STDOUT, 1, Buffer.from('Status: 200\r\n\r\nhello')),
    ...encodeStream(RecordType.STDERR, 1, Buffer.from('PHP Warning: x')),
    encodeEndRequest(1, 0, 0),
  ]);
  for (const size of [1, 3, 7, 8, 9, 64]) {
    const parser = new RecordParser();
    const records = [];
    for (let i = 0; i < wire.length; i += size) records.push(...parser.push(wire.subarray(i, i + size)));
    assert.deepEqual(records.map((r) => r.type), [RecordType.STDOUT, RecordType.STDERR, RecordType.END_REQUEST], `split ${size}`);
    assert.equal(records[0]?.content.toString(), 'Status: 200\r\n\r\nhello');
    assert.deepEqual(decodeEndRequest(records[2]?.content as Buffer), { appStatus: 0, protocolStatus: 0 });
    assert.equal(parser.buffered, 0);
    parser.end();
  }
});

test('END_REQUEST carries the app status', () => {
  const [record] = new RecordParser().push(encodeEndRequest(1, 255, 0));
  assert.deepEqual(decodeEndRequest(record?.content as Buffer), { appStatus: 255, protocolStatus: 0 });
});

test('malformed streams are refused with a precise reason', () => {
  const badVersion = encodeHeader(RecordType.STDOUT, 1, 0, 0);
  badVersion[0] = 9;
  assert.throws(() => new RecordParser().push(badVersion), /version 9, expected 1/);
  const badType = encodeHeader(42, 1, 0, 0);
  assert.throws(() => new RecordParser().push(badType), /unknown type 42/);
  const truncated = new RecordParser();
  truncated.push(Buffer.concat([encodeHeader(RecordType.STDOUT, 1, 100, 4), Buffer.alloc(10)]));
  assert.throws(() => truncated.end(), (err: unknown) => err instanceof FastcgiProtocolError && /declared 104 bytes of content and padding, 10 arrived/.test(err.message));
  const halfHeader = new RecordParser();
  halfHeader.push(Buffer.from([1, 6, 0]));
  assert.throws(() => halfHeader.end(), /inside a record header \(3 of 8 bytes\)/);
  assert.throws(() => decodeEndRequest(Buffer.alloc(5)), /5 bytes, expected 8/);
});

// encodeRequest: a request's records in one buffer, byte for byte what the records written one
// by one would be (the oracle), for params and bodies on both sides of the 65535-byte record.
test('one buffer holds exactly the records a request would have written one by one', () => {
  const EMPTY = Buffer.alloc(0);
  const bytes = (n: number, c: string) => Buffer.alloc(n, c);
  const cases: [name: string, params: Buffer, stdin: Buffer | undefined, keep: boolean][] = [
    ['a GET', bytes(300, 'p'), EMPTY, true],
    ['params of 8n bytes (no padding)', bytes(64, 'p'), EMPTY, false],
    ['a small POST', bytes(301, 'p'), bytes(17, 'b'), true],
    ['a streamed body (no STDIN yet)', bytes(5, 'p'), undefined, true],
    ['params over one record', bytes(70_000, 'p'), EMPTY, true],
    ['params of exactly one full record', bytes(65_535, 'p'), EMPTY, true],
    ['a body over one record', bytes(9, 'p'), bytes(140_000, 'b'), true],
    ['no params at all', EMPTY, EMPTY, true],
  ];
  for (const [name, params, stdin, keep] of cases) {
    const expected = Buffer.concat([
      encodeBeginRequest(1, keep),
      ...(params.length > 0 ? encodeStream(RecordType.PARAMS, 1, params) : []),
      ...encodeStream(RecordType.PARAMS, 1, EMPTY),
      ...(stdin === undefined ? [] : [...(stdin.length > 0 ? encodeStream(RecordType.STDIN, 1, stdin) : []), ...encodeStream(RecordType.STDIN, 1, EMPTY)]),
    ]);
    assert.deepEqual(encodeRequest(1, keep, params, stdin), expected, `${name} (Buffer params)`);
    assert.deepEqual(encodeRequest(1, keep, params.toString('latin1'), stdin), expected, `${name} (byte-string params)`);
  }
});

test('padding of a request buffer is zeros, whatever the memory held before', () => {
  // Buffer.allocUnsafe hands out recycled memory: fill the pool with 0xff first.
  for (let i = 0; i < 64; i++) Buffer.allocUnsafe(128).fill(0xff);
  const out = encodeRequest(1, true, 'abc', Buffer.from('xy'));
  const parser = new RecordParser();
  const records = parser.push(out);
  assert.deepEqual(records.map((r) => r.type), [RecordType.BEGIN_REQUEST, RecordType.PARAMS, RecordType.PARAMS, RecordType.STDIN, RecordType.STDIN]);
  assert.deepEqual([...out.subarray(8 + 8 + 8 + 3, 8 + 8 + 8 + 8)], [0, 0, 0, 0, 0], 'PARAMS padding');
  assert.deepEqual([...out.subarray(11, 16)], [0, 0, 0, 0, 0], 'BEGIN_REQUEST reserved bytes');
});
