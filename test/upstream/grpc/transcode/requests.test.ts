// REST requests into gRPC request messages, checked on what a real grpc-js server received:
// path templates, body forms, the path winning over body and query, query parameters of every
// kind, PATCH field masks, HttpBody uploads, and metadata from headers (grpc-gateway v2 rules).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequest } from '../../../helpers/http-request.js';
import { lastRequest, requestJson, startRig, type Rig } from './rig.js';

let rig: Rig;
before(async () => {
  rig = await startRig();
});
after(() => rig.close());

const json = { 'content-type': 'application/json' };

test('a multi-segment path variable fills its field with the segments joined', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/7/books/42');
  assert.equal(res.status, 200);
  assert.deepEqual(requestJson(rig, 'GetBook', 'library.v1.GetBookRequest'), { name: 'shelves/7/books/42' });
});

test('additional_bindings are bindings of their own', async () => {
  await httpRequest(rig.gateway.port, '/v1/books?page_size=3');
  assert.deepEqual(requestJson(rig, 'ListBooks', 'library.v1.ListBooksRequest'), { page_size: 3 });
  await httpRequest(rig.gateway.port, '/v1/shelves/9/books');
  assert.deepEqual(requestJson(rig, 'ListBooks', 'library.v1.ListBooksRequest'), { parent: 'shelves/9' });
});

test('body: a field takes the body as that field; the query fills the rest', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books?bookId=b1', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ title: 'Dune', pageCount: '412', genre: 'SCIENCE', published: '2020-01-02T03:04:05.5Z', unknownField: 1 }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(requestJson(rig, 'CreateBook', 'library.v1.CreateBookRequest'), {
    parent: 'shelves/1',
    book_id: 'b1',
    book: { title: 'Dune', page_count: '412', genre: 'SCIENCE', published: '2020-01-02T03:04:05.500Z' },
  });
});

test('body: "*" takes the whole body; the path wins over the body; the query is not read', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2:publish?copies=99', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: 'shelves/x/books/y', force: true, copies: '5' }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(requestJson(rig, 'PublishBook', 'library.v1.PublishRequest'), { name: 'shelves/1/books/2', force: true, copies: '5' });
});

test('an empty body is an empty message', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2:publish', { method: 'POST' });
  assert.equal(res.status, 200);
  assert.deepEqual(requestJson(rig, 'PublishBook', 'library.v1.PublishRequest'), { name: 'shelves/1/books/2' });
});

test('query parameters: repeated keys, dotted names, map entries, enums by name and number, well-known types, bytes', async () => {
  const q = [
    'tags=a',
    'tags=b',
    'genre=2',
    'genres=FICTION',
    'genres=2',
    'filter.author=Le%20Guin',
    'filter.by.born=1929',
    'labels[shelf]=top',
    'labels[row]=3',
    'ranks[7]=SCIENCE',
    'since=2024-05-06T07:08:09Z',
    'maxAge=1h30m',
    'readMask=title,author_name',
    'minPages=100',
    'token=-_8%3D',
    'big=18446744073709551615',
    'deleted=t',
    'score=1e3',
    'pageSize=%2B7',
    'no_such_field=ignored',
  ].join('&');
  const res = await httpRequest(rig.gateway.port, `/v1/shelves/3/books?${q}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(requestJson(rig, 'ListBooks', 'library.v1.ListBooksRequest'), {
    parent: 'shelves/3',
    page_size: 7,
    tags: ['a', 'b'],
    genre: 'SCIENCE',
    genres: ['FICTION', 'SCIENCE'],
    filter: { author: 'Le Guin', by: { born: 1929 } },
    labels: { shelf: 'top', row: '3' },
    ranks: { '7': 'SCIENCE' },
    since: '2024-05-06T07:08:09Z',
    max_age: '5400s',
    read_mask: 'title,authorName',
    min_pages: 100,
    token: '+/8=',
    big: '18446744073709551615',
    deleted: true,
    score: 1000,
  });
});

test('a query parameter cannot override a path variable', async () => {
  await httpRequest(rig.gateway.port, '/v1/shelves/3/books?parent=shelves/evil');
  assert.deepEqual(requestJson(rig, 'ListBooks', 'library.v1.ListBooksRequest'), { parent: 'shelves/3' });
});

test('PATCH with a body field and no update_mask gets a mask of the body keys (proto names)', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2', {
    method: 'PATCH',
    headers: json,
    body: JSON.stringify({ title: 'New', author: { name: 'A', born: 1 }, tags: ['x'], labels: { a: 'b' } }),
  });
  assert.equal(res.status, 400, 'two repeated fields are refused, as grpc-gateway does');
  const ok = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2', {
    method: 'PATCH',
    headers: json,
    body: JSON.stringify({ title: 'New', authorName: 'X', author: { name: 'A', born: 1 }, tags: ['x'] }),
  });
  assert.equal(ok.status, 200, ok.text);
  const sent = requestJson(rig, 'UpdateBook', 'library.v1.UpdateBookRequest') as { update_mask: string; book: { name: string } };
  assert.equal(sent.update_mask, 'title,authorName,author.name,author.born,tags');
  assert.equal(sent.book.name, 'shelves/1/books/2', 'the path variable book.name went into the body field');
});

test('PATCH keeps an update_mask the client gave', async () => {
  await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2?update_mask=title', { method: 'PATCH', headers: json, body: JSON.stringify({ title: 'T', authorName: 'X' }) });
  assert.equal((requestJson(rig, 'UpdateBook', 'library.v1.UpdateBookRequest') as { update_mask: string }).update_mask, 'title');
});

test('a body bound to google.api.HttpBody takes the raw bytes and the content type', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/files/report', { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.from([0, 1, 2, 255]) });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/plain');
  assert.equal(res.text, 'got 4 bytes of image/png');
  const req = lastRequest(rig, 'Upload') as unknown as { name: string; file: { data: Uint8Array } };
  assert.equal(req.name, 'report');
  assert.deepEqual([...req.file.data], [0, 1, 2, 255]);
});

test('Grpc-Metadata-* headers, authorization and permanent headers become metadata; traceparent crosses', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/echo', {
    headers: {
      'grpc-metadata-tenant': 'acme',
      'grpc-metadata-blob-bin': Buffer.from([1, 2, 3]).toString('base64'),
      authorization: 'Bearer t0k',
      'user-agent': 'php-curl',
      'x-not-forwarded': 'no',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers['grpc-metadata-x-served-by'], 'library-1');
  assert.equal(res.headers['grpc-trailer-x-trailer'], 'done');
  const labels = (res.json() as { labels: Record<string, string> }).labels;
  assert.equal(labels.tenant, 'acme');
  assert.equal(labels['blob-bin'], 'bin:010203');
  assert.equal(labels.authorization, 'Bearer t0k');
  assert.equal(labels['grpcgateway-authorization'], 'Bearer t0k');
  assert.equal(labels['grpcgateway-user-agent'], 'php-curl');
  assert.equal(labels['x-forwarded-for'], '127.0.0.1');
  assert.equal(labels['x-forwarded-host'], `127.0.0.1:${rig.gateway.port}`);
  assert.equal(labels.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  assert.equal(labels['x-not-forwarded'], undefined);
});

test('Grpc-Timeout becomes the call deadline; a malformed one is a 400', async () => {
  await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1');
  assert.equal(rig.library.deadlines.get('GetBook'), Infinity);
  await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1', { headers: { 'grpc-timeout': '5S' } });
  const deadline = rig.library.deadlines.get('GetBook');
  assert.ok(deadline !== undefined && Number.isFinite(deadline), 'the server saw a deadline');
  const bad = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1', { headers: { 'grpc-timeout': 'soon' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().code, 3);
  assert.equal(bad.json().errorCode, 'SY_ERR_GRPC_TIMEOUT');
});

test("the upstream's timeouts.total caps the deadline when the client gives none", async () => {
  const capped = await startRig({ timeouts: { connect: 1000, idle: 1000, total: 60_000 } });
  try {
    await httpRequest(capped.gateway.port, '/v1/shelves/1/books/1');
    assert.ok(Number.isFinite(capped.library.deadlines.get('GetBook')), 'the server saw a deadline');
  } finally {
    await capped.close();
  }
});

test("a body beyond the route's bodySize is 413 with RESOURCE_EXHAUSTED, sent by chunks so no length warns first", async () => {
  const small = await startRig({ route: { bodySize: 64 } });
  try {
    const res = await httpRequest(small.gateway.port, '/v1/shelves/1/books', { method: 'POST', body: JSON.stringify({ title: 'x'.repeat(200) }), chunked: 16 });
    assert.equal(res.status, 413);
    assert.equal(res.json().code, 8);
    assert.equal(res.json().errorCode, 'SY_ERR_BODY_TOO_LARGE');
    assert.equal(small.library.received.get('CreateBook'), undefined, 'the service was not called');
  } finally {
    await small.close();
  }
});
