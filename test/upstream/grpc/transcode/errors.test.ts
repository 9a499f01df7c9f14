// Failures on transcoded routes, as grpc-gateway v2 answers them and as SPEC section 5 shapes
// them: every gRPC code's HTTP status, rich details decoded from grpc-status-details-bin, routing
// failures (no binding, another method, %ZZ), which binding wins, and bad input naming the field.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequest } from '../../../helpers/http-request.js';
import { startRig, type Rig } from './rig.js';
import { decodeChain } from '../../../../src/error-chain/header-codec.js';

let rig: Rig;
let strict: Rig;
before(async () => {
  rig = await startRig();
  strict = await startRig({ unknownQueryParameters: 'reject' });
});
after(async () => {
  await rig.close();
  await strict.close();
});

// runtime/errors.go HTTPStatusFromCode, with CANCELLED as 499
const EXPECTED: [number, string, number][] = [
  [1, 'CANCELLED', 499],
  [2, 'UNKNOWN', 500],
  [3, 'INVALID_ARGUMENT', 400],
  [4, 'DEADLINE_EXCEEDED', 504],
  [5, 'NOT_FOUND', 404],
  [6, 'ALREADY_EXISTS', 409],
  [7, 'PERMISSION_DENIED', 403],
  [8, 'RESOURCE_EXHAUSTED', 429],
  [9, 'FAILED_PRECONDITION', 400],
  [10, 'ABORTED', 409],
  [11, 'OUT_OF_RANGE', 400],
  [12, 'UNIMPLEMENTED', 501],
  [13, 'INTERNAL', 500],
  [14, 'UNAVAILABLE', 503],
  [15, 'DATA_LOSS', 500],
  [16, 'UNAUTHENTICATED', 401],
];

test('each gRPC code answers grpc-gateway\'s HTTP status, with its code, message and details', async () => {
  for (const [code, name, status] of EXPECTED) {
    const res = await httpRequest(rig.gateway.port, `/v1/fail/${code}`);
    assert.equal(res.status, status, name);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    const body = res.json();
    assert.equal(body.code, code, `${name}: grpc-gateway's numeric code`);
    assert.equal(body.message, `failed with ${code}`);
    assert.equal(body.status, status);
    assert.equal(body.errorCode, 'SY_ERR_GRPC_STATUS');
    assert.equal(body.type, 'https://switchyard.dev/errors/SY_ERR_GRPC_STATUS');
    assert.deepEqual(body.details, [{ '@type': 'type.googleapis.com/library.v1.FailureReason', reason: 'QUOTA', field: 'book.title', retryAfterMs: '1500' }]);
    const chain = body.chain as Record<string, unknown>[];
    assert.deepEqual(chain.at(-1), { source: 'grpc', code: name, status, detail: `failed with ${code}`, grpcCode: code, details: body.details });
    assert.equal(res.headers['grpc-metadata-x-failure-id'], undefined, 'x-failure-id is a trailer');
    assert.equal(res.headers['grpc-trailer-x-failure-id'], 'f-1');
    if (code === 16) assert.equal(res.headers['www-authenticate'], 'failed with 16');
    else assert.equal(res.headers['www-authenticate'], undefined);
  }
});

test('a status without details (trailers-only answer) keeps an empty details list', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/missing');
  assert.equal(res.status, 404);
  const body = res.json();
  assert.equal(body.code, 5);
  assert.equal(body.message, 'book shelves/1/books/missing does not exist');
  assert.deepEqual(body.details, []);
});

test('a path no binding matches is grpc-gateway\'s 404 (code 5, Not Found)', async () => {
  const res = await httpRequest(rig.gateway.port, '/v2/nothing/here');
  assert.equal(res.status, 404);
  const body = res.json();
  assert.equal(body.code, 5);
  assert.equal(body.message, 'Not Found');
  assert.equal(body.errorCode, 'SY_ERR_TRANSCODE_NO_BINDING');
  // %2F is a separator, as grpc-gateway's default decodes the whole path first
  assert.equal((await httpRequest(rig.gateway.port, '/v1/shelves%2F1/books/2')).status, 200);
  assert.equal((await httpRequest(rig.gateway.port, '/v1/shelves/1%2Fbooks%2F2')).status, 200);
});

test('a path bound for another method only is UNIMPLEMENTED, HTTP 501', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2', { method: 'PUT' });
  assert.equal(res.status, 501);
  assert.equal(res.json().code, 12);
  assert.equal(res.json().message, 'Method Not Allowed');
});

test('a malformed percent-escape in the path is a 400', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/%ZZ/books/1');
  assert.equal(res.status, 400);
  assert.equal(res.json().code, 3);
  assert.equal(res.json().errorCode, 'SY_ERR_TRANSCODE_BAD_PATH');
});

test('the last declared of two overlapping bindings wins, literal or not (grpc-gateway v2)', async () => {
  // GetLatest (/v1/special/latest) is declared after GetByName (/v1/special/{name})
  assert.equal((await httpRequest(rig.gateway.port, '/v1/special/latest')).json().title, 'latest');
  assert.equal((await httpRequest(rig.gateway.port, '/v1/special/other')).json().title, 'by name');
  // GetNewestByName (/v1/newest/{name}) is declared after GetNewest (/v1/newest/latest)
  assert.equal((await httpRequest(rig.gateway.port, '/v1/newest/latest')).json().title, 'newest by name');
});

test('a custom verb is part of the binding', async () => {
  assert.equal((await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2:publish', { method: 'POST' })).status, 200);
  assert.equal((await httpRequest(rig.gateway.port, '/v1/shelves/1/books:watchers')).status, 404);
  // without its verb the last segment is a plain value, so the GET/PATCH/DELETE template matches
  // and grpc-gateway answers "method not allowed" (501), not 404
  assert.equal((await httpRequest(rig.gateway.port, '/v1/shelves/1/books/2:unpublish', { method: 'POST' })).status, 501);
});

test('client-streaming methods are not transcoded: UNIMPLEMENTED, HTTP 501', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/books:import', { method: 'POST', body: '{}' });
  assert.equal(res.status, 501);
  assert.equal(res.json().code, 12);
  assert.equal(res.json().errorCode, 'SY_ERR_TRANSCODE_STREAMING');
});

test('JSON that does not fit the message is a 400 naming the field, and the gateway goes on', async () => {
  const cases: [string, RegExp][] = [
    ['{"title": 5}', /title/],
    ['{"pageCount": "99999999999999999999"}', /page_count|pageCount/],
    ['{"cover": "not base64!"}', /cover/],
    ['{"published": "yesterday"}', /at 'book.published'/],
    ['{"author": {"born": "abc"}}', /at 'book.author.born'/],
    ['{"title": "x"', /not JSON/],
    ['[1, 2]', /Book/],
  ];
  for (const [body, field] of cases) {
    const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 400, body);
    const problem = res.json();
    assert.equal(problem.code, 3, body);
    assert.equal(problem.errorCode, 'SY_ERR_TRANSCODE_BAD_JSON', body);
    assert.match(String(problem.message), field, body);
  }
  // nested deeper than any stack: still a 400, never a crash
  const deep = `{"extra": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
  const deepRes = await httpRequest(rig.gateway.port, '/v1/shelves/1/books', { method: 'POST', body: deep });
  assert.equal(deepRes.status, 400);
  assert.equal(deepRes.json().errorCode, 'SY_ERR_TRANSCODE_BAD_JSON');
  assert.equal((await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1')).status, 200);
  // an enum name the message does not know is dropped like an unknown field (protojson's DiscardUnknown)
  const unknownEnum = await httpRequest(rig.gateway.port, '/v1/shelves/1/books', { method: 'POST', body: '{"genre": "POETRY", "title": "t"}' });
  assert.equal(unknownEnum.status, 200);
  assert.equal(unknownEnum.json().genre, 'GENRE_UNSPECIFIED');
});

test('query and path values that do not fit their fields are 400s naming them', async () => {
  const cases: [string, string, RegExp][] = [
    ['/v1/books?pageSize=many', 'SY_ERR_TRANSCODE_BAD_QUERY', /pageSize/],
    ['/v1/books?pageSize=2147483648', 'SY_ERR_TRANSCODE_BAD_QUERY', /out of range/],
    ['/v1/books?since=tomorrow', 'SY_ERR_TRANSCODE_BAD_QUERY', /since/],
    ['/v1/books?maxAge=10', 'SY_ERR_TRANSCODE_BAD_QUERY', /maxAge/],
    ['/v1/books?token=%25%25', 'SY_ERR_TRANSCODE_BAD_QUERY', /token/],
    ['/v1/books?genre=POETRY', 'SY_ERR_TRANSCODE_BAD_QUERY', /genre/],
    ['/v1/books?pageSize=1&pageSize=2', 'SY_ERR_TRANSCODE_BAD_QUERY', /too many values/],
    ['/v1/books?tags.x=1', 'SY_ERR_TRANSCODE_BAD_QUERY', /not a message/],
    ['/v1/books?q=%ZZ', 'SY_ERR_TRANSCODE_BAD_QUERY', /percent-escape/],
    ['/v1/fail/notanumber', 'SY_ERR_TRANSCODE_BAD_PATH', /parameter: code/],
  ];
  for (const [path, errorCode, message] of cases) {
    const res = await httpRequest(rig.gateway.port, path);
    assert.equal(res.status, 400, path);
    assert.equal(res.json().errorCode, errorCode, path);
    assert.match(String(res.json().message), message, path);
  }
});

test('unknownQueryParameters: reject refuses a parameter that names no field; ignore (the default) does not', async () => {
  assert.equal((await httpRequest(rig.gateway.port, '/v1/books?colour=red')).status, 200);
  const res = await httpRequest(strict.gateway.port, '/v1/books?colour=red');
  assert.equal(res.status, 400);
  assert.match(String(res.json().message), /colour/);
  assert.equal((await httpRequest(strict.gateway.port, '/v1/books?pageSize=1')).status, 200);
});

test('a -Bin metadata header that is not base64 is a 400', async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/shelves/1/books/1', { headers: { 'grpc-metadata-key-bin': '!!!' } });
  assert.equal(res.status, 400);
  assert.equal(res.json().errorCode, 'SY_ERR_TRANSCODE_BAD_METADATA');
});

test("the route's errors: policy applies: a mapping rule on the grpc link, public exposure, and X-Error-Chain", async () => {
  const res = await httpRequest(rig.gateway.port, '/v1/fail/5');
  const header = decodeChain(res.headers['x-error-chain']);
  assert.ok('links' in header, 'X-Error-Chain is sent');
  assert.deepEqual(
    header.links.map((l) => [l.source, l.code]),
    [['gateway', 'SY_ERR_GRPC_STATUS'], ['grpc', 'NOT_FOUND']],
  );
  const mapped = await startRig({ route: { errors: { expose: 'public', map: [{ match: { source: 'grpc', code: 'NOT_FOUND' }, type: undefined, title: 'gone for good', status: 410 }] } } });
  try {
    const gone = await httpRequest(mapped.gateway.port, '/v1/fail/5');
    assert.equal(gone.status, 410);
    const body = gone.json();
    assert.equal(body.status, 410);
    assert.equal(body.title, 'gone for good');
    assert.equal(body.code, 5, "grpc-gateway's code stays the gRPC code");
    assert.equal(body.message, 'gone for good', 'public exposure: the title, not the service message');
    assert.deepEqual(body.details, []);
    assert.ok(!JSON.stringify(body.chain).includes('QUOTA'), 'no details in a public chain');
  } finally {
    await mapped.close();
  }
});
