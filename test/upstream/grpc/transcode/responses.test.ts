// gRPC answers as REST: unary JSON checked field by field against @bufbuild/protobuf's toJson of
// what the grpc-js server sent, response_body, HttpBody downloads, server streaming as
// newline-delimited JSON and as server-sent events, and the json: options.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '@bufbuild/protobuf';
import { request } from 'node:http';
import { httpRequest } from '../../../helpers/http-request.js';
import { until } from '../../../helpers/until.js';
import { assertMessageJson, lastSent, startRig, type Rig } from './rig.js';

let rig: Rig;
let protoNames: Rig;
before(async () => {
  rig = await startRig();
  protoNames = await startRig({ json: { emitUnpopulated: false, useProtoNames: true, useEnumNumbers: true } });
});
after(async () => {
  await rig.close();
  await protoNames.close();
});

test('a unary answer is the response message as grpc-gateway prints it', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  const body = res.json() as JsonValue;
  assertMessageJson(body, rig.library.schema('library.v1.Book'), lastSent(rig, 'GetBook'), rig);
  const b = body as Record<string, JsonValue>;
  // grpc-gateway's defaults, spelled out: lowerCamel names, int64 as strings, enums by name,
  // unpopulated fields printed (zero values, null for unset messages), oneof members only when set
  assert.equal(b.pageCount, '9007199254740993');
  assert.equal(b.copies, '18446744073709551615');
  assert.equal(b.genre, 'FICTION');
  assert.equal(b.cover, '+/8B');
  assert.equal(b.published, '2001-09-09T01:46:40.005Z');
  assert.equal(b.rating, 4.5);
  assert.equal(b.author, null);
  assert.equal(b.extra, null);
  assert.equal(b.isbn, '978-0441478125');
  assert.ok(!('url' in b) && !('subtitle' in b));
  assert.deepEqual(b.editors, [{ name: 'Terry Carr', born: 1937 }, { name: 'Unset Born', born: 0 }]);
});

test('json: options change names, enums and unpopulated fields', async () => {
  const res = await httpRequest(protoNames.gateway.port, '/v1/shelves/1/books/1');
  const b = res.json();
  assert.equal(b.page_count, '9007199254740993');
  assert.equal(b.genre, 1);
  assert.ok(!('author' in b), 'unset fields left out without emitUnpopulated');
});

test('response_body answers with that field only', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/titles');
  assert.equal(res.status, 200);
  const list = res.json() as unknown as JsonValue[];
  assert.ok(Array.isArray(list) && list.length === 1);
  const sent = lastSent(rig, 'ListTitles') as unknown as { books: never[] };
  assertMessageJson(list[0] as JsonValue, rig.library.schema('library.v1.Book'), sent.books[0] as never, rig);
});

test('a google.api.HttpBody answer is raw, with its content type', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/files/reports/2024/q1.pdf');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.equal(res.text, '%PDF reports/2024/q1.pdf');
});

test('a message with no fields is {}; a DELETE answers google.protobuf.Empty', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1', { method: 'DELETE' });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), {});
});

test('server streaming: one {"result": ...} object per line', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/5/books:watch?count=3');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  const lines = res.text.split('\n');
  assert.equal(lines.pop(), '', 'every line ends with a newline');
  assert.equal(lines.length, 3);
  const sent = rig.library.sent.get('WatchBooks')?.slice(-3) ?? [];
  lines.forEach((line, i) => {
    const obj = JSON.parse(line) as { result: JsonValue };
    assert.deepEqual(Object.keys(obj), ['result']);
    assertMessageJson(obj.result, rig.library.schema('library.v1.Book'), sent[i] as never, rig);
  });
});

test('server streaming: a failure after messages is a final {"error": ...} line, status stays 200', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/5/books:watch?count=2&failCode=14');
  assert.equal(res.status, 200);
  const lines = res.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
  assert.equal(lines.length, 3);
  assert.ok('result' in (lines[0] as object) && 'result' in (lines[1] as object));
  const error = (lines[2] as { error: Record<string, unknown> }).error;
  assert.equal(error.code, 14);
  assert.equal(error.message, 'watch failed after 2');
  assert.equal(error.status, 503);
  assert.equal(error.errorCode, 'SY_ERR_GRPC_STATUS');
});

test('server streaming: a failure before the first message sets the HTTP status', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/5/books:watch?count=0&failCode=7');
  assert.equal(res.status, 403);
  const lines = res.text.trim().split('\n');
  assert.equal(lines.length, 1);
  const error = (JSON.parse(lines[0] as string) as { error: Record<string, unknown> }).error;
  assert.equal(error.code, 7);
  assert.equal(error.message, 'watch failed after 0');
});

test('server streaming as server-sent events when the client accepts text/event-stream', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/5/books:watch?count=2&failCode=10', { headers: { accept: 'text/event-stream' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream');
  const events = res.text.split('\n\n').filter((e) => e !== '');
  assert.equal(events.length, 3);
  assert.match(events[0] as string, /^data: \{"result":\{/);
  assert.match(events[2] as string, /^event: error\ndata: \{"error":\{/);
  const data = JSON.parse((events[2] as string).split('\ndata: ')[1] as string) as { error: { code: number } };
  assert.equal(data.error.code, 10);
});

test('a client that goes away mid-stream cancels the gRPC call', async () => {
  const before = rig.library.cancellations.length;
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: rig.gateway.port, path: '/v1/shelves/5/books:watch?count=1&hold=true' }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end();
  });
  assert.ok(await until(() => rig.library.cancellations.length > before), 'the server saw the call cancelled');
  assert.equal(rig.library.cancellations.at(-1), 'WatchBooks');
});
