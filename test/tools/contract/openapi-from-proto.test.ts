// `switchyard contract openapi --proto FILE... -I DIR...`: the transcoded routes of a service's
// google.api.http bindings as OpenAPI 3.1, as grpc-gateway transcodes them and names them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { compile } from './compile-client.js';

const PROTO_ROOT = fileURLToPath(new URL('../../../../test/tools/contract/fixtures/proto/', import.meta.url));
const LIBRARY = 'acme/library/v1/library.proto';
const BOOK = '#/components/schemas/acme.library.v1.Book';

type Json = Record<string, any>;
let document: Json;
let stderr: string;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'contract-proto-'));
  const result = await runCliCaptured(['contract', 'openapi', '--proto', join(PROTO_ROOT, LIBRARY), '-I', PROTO_ROOT]);
  assert.equal(result.code, 0, result.stderr);
  stderr = result.stderr;
  document = JSON.parse(result.stdout) as Json;
});

after(() => rmSync(dir, { recursive: true, force: true }));

function operation(path: string, method: string): Json {
  const op = document.paths[path]?.[method] as Json | undefined;
  assert.ok(op, `${method} ${path}`);
  return op;
}

function params(op: Json, where: string): Record<string, Json> {
  return Object.fromEntries((op.parameters as Json[] | undefined ?? []).filter((p) => p.in === where).map((p) => [p.name as string, p]));
}

test('the document is valid OpenAPI 3.1 and names nothing on stderr', async () => {
  assert.equal(stderr, '');
  const result = await new Validator().validate(document as never);
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
});

test("every binding is a path, with grpc-gateway's operationIds (Service_Method, additional bindings numbered)", () => {
  const ops = Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) => Object.entries(item).map(([m, op]) => `${m.toUpperCase()} ${path} ${(op as Json).operationId}`));
  assert.deepEqual(ops.sort(), [
    'DELETE /v1/books/{bookId} Library_DeleteBook2',
    'DELETE /v1/{name} Library_DeleteBook',
    'GET /v1/covers/{bookId} Library_GetCover',
    'GET /v1/titles/{bookId} Library_GetBookTitle',
    'GET /v1/{name} Library_GetShelf',
    'GET /v1/{name}:watch Library_WatchShelf',
    'GET /v1/{parent}/books Library_ListBooks',
    'PATCH /v1/{book.name} Library_UpdateBook',
    'POST /v1/{name}:move Library_MoveBook',
    'POST /v1/{parent}/books Library_CreateBook',
    'PUT /v1/covers Library_PutCover',
  ]);
});

test('path templates: {name=shelves/*} is one parameter with its pattern, nested field paths in JSON names, int64 as string', () => {
  assert.deepEqual(params(operation('/v1/{name}', 'get'), 'path'), { name: { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^shelves/[^/]+$' } } });
  assert.deepEqual(params(operation('/v1/{name}', 'delete'), 'path').name?.schema, { type: 'string', pattern: '^shelves/[^/]+/books/[^/]+$' });
  assert.deepEqual(params(operation('/v1/{book.name}', 'patch'), 'path')['book.name']?.schema, { type: 'string', pattern: '^shelves/[^/]+/books/[^/]+$' });
  assert.deepEqual(params(operation('/v1/books/{bookId}', 'delete'), 'path'), { bookId: { name: 'bookId', in: 'path', required: true, schema: { type: 'string', format: 'int64' } } });
});

test('without a body every unbound field is a query parameter by its JSON name, nested messages flattened, maps and repeated messages left out', () => {
  const query = params(operation('/v1/{parent}/books', 'get'), 'query');
  assert.deepEqual(Object.keys(query), ['pageSize', 'pageToken', 'minBookId', 'labels', 'filter.authorName', 'filter.genre', 'filter.publishedAfter', 'maxPages']);
  assert.deepEqual(query.minBookId?.schema, { type: 'string', format: 'int64' });
  assert.deepEqual(query.labels, { name: 'labels', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true });
  assert.deepEqual(query['filter.genre']?.schema, { $ref: '#/components/schemas/acme.library.v1.Genre' });
  assert.deepEqual(query['filter.publishedAfter']?.schema, { type: 'string', format: 'date-time' });
  assert.deepEqual(query.maxPages?.schema, { type: ['integer', 'null'], format: 'int32' });
  // the other binding of DeleteBook: what its path does not bind is a query parameter
  assert.deepEqual(Object.keys(params(operation('/v1/books/{bookId}', 'delete'), 'query')), ['name']);
});

test('body "*" carries the fields the path does not bind; a field body is that field, the rest in the query', () => {
  const move = operation('/v1/{name}:move', 'post');
  assert.deepEqual(move.requestBody, {
    required: true,
    content: { 'application/json': { schema: { type: 'object', title: 'The body of MoveBookRequest', properties: { otherShelfName: { type: 'string' }, keepCopy: { type: 'boolean' } } } } },
  });
  assert.deepEqual(params(move, 'query'), {});
  const create = operation('/v1/{parent}/books', 'post');
  assert.deepEqual(create.requestBody.content['application/json'].schema, { $ref: BOOK });
  assert.deepEqual(Object.keys(params(create, 'query')), ['requestId']);
  const update = operation('/v1/{book.name}', 'patch');
  assert.deepEqual(update.requestBody.content['application/json'].schema, { $ref: BOOK });
  assert.deepEqual(params(update, 'query').updateMask?.schema, { type: 'string' });
});

test('responses: the message, a response_body field, a server stream noted, errors as the gRPC status', () => {
  assert.deepEqual(operation('/v1/{name}', 'get').responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/acme.library.v1.Shelf' });
  assert.deepEqual(operation('/v1/titles/{bookId}', 'get').responses['200'].content['application/json'].schema, { type: 'string' });
  assert.deepEqual(operation('/v1/{name}', 'delete').responses['200'].content['application/json'].schema, { type: 'object' });
  const watch = operation('/v1/{name}:watch', 'get');
  assert.equal(watch['x-grpc-streaming'], 'server_streaming');
  assert.match(watch.responses['200'].description, /streaming/);
  assert.deepEqual(watch.responses['200'].content['text/event-stream'], watch.responses['200'].content['application/json']);
  assert.deepEqual(watch.responses['200'].content['application/json'].schema.properties, {
    result: { $ref: '#/components/schemas/acme.library.v1.ShelfEvent' },
    error: { $ref: '#/components/schemas/google.rpc.Status' },
  });
  assert.deepEqual(operation('/v1/{name}', 'get').responses.default.content['application/problem+json'].schema, { $ref: '#/components/schemas/google.rpc.Status' });
  assert.deepEqual(Object.keys(document.components.schemas['google.rpc.Status'].properties), ['code', 'message', 'details']);
  // google.api.HttpBody is raw content both ways, never a JSON schema
  assert.deepEqual(operation('/v1/covers/{bookId}', 'get').responses['200'].content, { '*/*': {} });
  assert.deepEqual(operation('/v1/covers', 'put').requestBody, { required: true, content: { '*/*': {} } });
  assert.equal(document.components.schemas['google.api.HttpBody'], undefined);
});

test('message schemas follow the proto3 JSON mapping: lowerCamel or json_name, 64-bit as strings, enums as names, well-known types', () => {
  const s = document.components.schemas as Record<string, Json>;
  assert.deepEqual(s['acme.library.v1.Genre'], { type: 'string', enum: ['GENRE_UNSPECIFIED', 'GENRE_FICTION', 'GENRE_POETRY'], description: 'What kind of book it is.' });
  assert.deepEqual(s['acme.library.v1.Book']?.properties, {
    name: { type: 'string' },
    title: { type: 'string' },
    bookId: { type: 'string', format: 'int64' },
    copiesSold: { type: 'string', format: 'uint64' },
    pages: { type: 'integer', format: 'int32' },
    edition: { type: 'integer', format: 'int64' },
    rating: { type: 'number', format: 'double' },
    weight: { type: 'number', format: 'float' },
    available: { type: 'boolean' },
    cover: { type: 'string', format: 'byte' },
    genre: { $ref: '#/components/schemas/acme.library.v1.Genre' },
    authors: { type: 'array', items: { $ref: '#/components/schemas/acme.library.v1.Author' } },
    shelfCounts: { type: 'object', additionalProperties: { type: 'integer', format: 'int32' } },
    labels: { type: 'array', items: { type: 'string' } },
    publishedAt: { type: ['string', 'null'], format: 'date-time' },
    readTime: { type: ['string', 'null'], pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' },
    extra: { type: ['object', 'null'], additionalProperties: true },
    anything: {},
    subtitle: { type: ['string', 'null'] },
    isbnNumber: { type: ['string', 'null'], format: 'int64' },
    signed: { type: ['boolean', 'null'] },
    isbn: { type: 'string' },
    ebookUrl: { type: 'string' },
    paperWeightGrams: { type: 'integer', format: 'int32' },
  });
  // a singular message field may be null (an unset one is printed as null); a list of them may not hold null
  assert.deepEqual(s['acme.library.v1.ShelfEvent']?.properties.book, { anyOf: [{ $ref: BOOK }, { type: 'null' }] });
  // a message that contains itself refers to itself
  assert.deepEqual(s['acme.library.v1.Author']?.properties.mentor, { anyOf: [{ $ref: '#/components/schemas/acme.library.v1.Author' }, { type: 'null' }] });
  // only what the bound methods reach: request messages fold into parameters, unbound Ping adds nothing
  assert.equal(s['acme.library.v1.ListBooksRequest'], undefined);
});

test('a client generated from the document compiles under --strict and types the transcoded calls', async () => {
  writeFileSync(join(dir, 'library.json'), JSON.stringify(document));
  const made = await runCliCaptured(['contract', 'client', 'library.json', '-o', 'library-client.ts'], { cwd: dir });
  assert.equal(made.code, 0, made.stderr);
  writeFileSync(
    join(dir, 'use.ts'),
    [
      "import { createClient } from './library-client.js';",
      "const library = createClient({ baseUrl: 'http://127.0.0.1' });",
      'export async function ok(): Promise<string | undefined> {',
      "  const page = await library.Library_ListBooks({ path: { parent: 'shelves/1' }, query: { pageSize: 10, minBookId: '9007199254740993', 'filter.genre': 'GENRE_POETRY' } });",
      "  await library.Library_MoveBook({ path: { name: 'shelves/1/books/2' }, body: { otherShelfName: 'shelves/3' } });",
      '  return page.books?.[0]?.bookId;',
      '}',
      'export async function wrong(): Promise<void> {',
      "  await library.Library_ListBooks({ path: { parent: 'shelves/1' }, query: { minBookId: 9 } }); // WRONG: int64 is a string",
      "  await library.Library_ListBooks({ path: { parent: 'shelves/1' }, query: { 'filter.genre': 'POETRY' } }); // WRONG: not an enum name",
      "  await library.Library_MoveBook({ path: { name: 'x' }, body: { name: 'x' } }); // WRONG: the path binds name, the body does not carry it",
      '}',
      '',
    ].join('\n'),
  );
  const marked = [9, 10, 11];
  const errors = (await compile(dir, ['use.ts'])).filter((d) => d.file === 'use.ts');
  assert.deepEqual([...new Set(errors.map((e) => e.line))], marked, errors.map((e) => `${e.line}: ${e.text}`).join('\n'));
});

test('a bad path template, a field that does not exist, a proto that does not compile: one line each, exit 1', async () => {
  const cases: [string, string, string][] = [
    ['template.proto', 'get: "/v1/{name=shelves/*"', "switchyard: a.v1.S.Get: the path template '/v1/{name=shelves/*' has an unclosed '{' (SY_ERR_CONTRACT_HTTP_RULE)"],
    ['field.proto', 'get: "/v1/{shelf}"', "switchyard: a.v1.S.Get: the path variable 'shelf' of '/v1/{shelf}' is not a field of a.v1.Req (SY_ERR_CONTRACT_HTTP_RULE)"],
    ['body.proto', 'post: "/v1/x" body: "missing"', "switchyard: a.v1.S.Get: body 'missing' is not a field of a.v1.Req (SY_ERR_CONTRACT_HTTP_RULE)"],
  ];
  const root = join(dir, 'bad');
  mkdirSync(join(root, 'a', 'v1'), { recursive: true });
  for (const [file, rule, message] of cases) {
    const text = `syntax = "proto3";\npackage a.v1;\nimport "google/api/annotations.proto";\nmessage Req { string name = 1; }\nservice S {\n  rpc Get(Req) returns (Req) { option (google.api.http) = {${rule}}; }\n}\n`;
    writeFileSync(join(root, 'a', 'v1', file), text);
    const result = await runCliCaptured(['contract', 'openapi', '--proto', `a/v1/${file}`], { cwd: root });
    assert.equal(result.code, 1, file);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `${message}\n`);
    rmSync(join(root, 'a', 'v1', file));
  }
  writeFileSync(join(root, 'a', 'v1', 'broken.proto'), 'syntax = "proto3";\npackage a.v1;\nmessage Req { strin name = 1; }\n');
  const broken = await runCliCaptured(['contract', 'openapi', '--proto', 'a/v1/broken.proto'], { cwd: root });
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^switchyard: a\/v1\/broken\.proto:3:15: .*strin.* \(SY_ERR_PROTO_COMPILE\)\n$/);
  const missing = await runCliCaptured(['contract', 'openapi', '--proto', 'a/v1/none.proto'], { cwd: root });
  assert.equal(missing.stderr, 'switchyard: a/v1/none.proto: no such file (SY_ERR_FILE_NOT_FOUND)\n');
  const outside = await runCliCaptured(['contract', 'openapi', '--proto', join(PROTO_ROOT, LIBRARY), '-I', root], { cwd: root });
  assert.match(outside.stderr, /^switchyard: contract openapi: .*library\.proto is not under any -I directory .* \(SY_ERR_CLI_USAGE\)\n$/);
});

test("leading comments become descriptions; a method's first paragraph is its summary", () => {
  const shelf = document.components.schemas['acme.library.v1.Shelf'] as Json;
  assert.equal(shelf.description, 'A shelf of books.');
  assert.deepEqual(shelf.properties.name, { type: 'string', description: 'The resource name: shelves/{shelf}.' });
  assert.deepEqual(shelf.properties.theme, { type: 'string' });
  const get = operation('/v1/{name}', 'get');
  assert.equal(get.summary, 'Gets a shelf.');
  assert.equal(get.description, 'Any shelf, including\nan empty one.');
  assert.equal(operation('/v1/{parent}/books', 'get').summary, undefined);
});
