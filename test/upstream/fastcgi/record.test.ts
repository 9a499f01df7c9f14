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
