// The document `contract openapi --proto` writes for the transcoder's own test service describes
// what the transcoder really does: a client generated from it reaches a real gRPC server through
// the transcoder with every call it types, and each answer, errors included, is valid against
// the document's schema for it (ajv, JSON Schema 2020-12: OpenAPI 3.1's dialect).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { FIXTURE } from '../../upstream/grpc/transcode/library-server.js';
import { startRig, type Rig } from '../../upstream/grpc/transcode/rig.js';
import { compile } from './compile-client.js';

type Json = Record<string, any>;
let rig: Rig;
let dir: string;
let document: Json;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'contract-agreement-'));
  rig = await startRig();
  const made = await runCliCaptured(['contract', 'openapi', '--proto', join(FIXTURE, 'library/v1/library.proto'), '-I', FIXTURE, '-o', join(dir, 'library.json')]);
  assert.equal(made.code, 0, made.stderr);
  document = JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8')) as Json;
  const client = await runCliCaptured(['contract', 'client', 'library.json', '-o', 'library-client.ts'], { cwd: dir });
  assert.equal(client.code, 0, client.stderr);
});

after(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A validator of `schema` with the document's components in reach of its references. */
function validator(schema: Json): (value: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile({ ...schema, components: document.components });
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

function responseSchema(path: string, method: string, status: string, mediaType: string): Json {
  const schema = document.paths[path]?.[method]?.responses?.[status]?.content?.[mediaType]?.schema as Json | undefined;
  assert.ok(schema, `${method} ${path} ${status} ${mediaType}`);
  return schema;
}

test('calls typed by the generated client reach the gRPC server through the transcoder, and every answer fits the document', async () => {
  writeFileSync(
    join(dir, 'calls.ts'),
    [
      "import { createClient, ClientError } from './library-client.js';",
      'export async function calls(baseUrl: string): Promise<Record<string, unknown>> {',
      '  const library = createClient({ baseUrl });',
      '  const failed = (err: unknown): unknown => (err instanceof ClientError ? { status: err.status, body: err.body } : err);',
      '  return {',
      "    getBook: await library.Library_GetBook({ path: { name: 'shelves/1/books/7' } }),",
      "    listBooks: await library.Library_ListBooks({ path: { parent: 'shelves/1' }, query: { pageSize: 2, tags: ['a', 'b'], 'filter.author': 'Le Guin', big: '18446744073709551615' } }),",
      '    listAll: await library.Library_ListBooks2(),',
      "    createBook: await library.Library_CreateBook({ path: { parent: 'shelves/1' }, query: { bookId: 'b9' }, body: { title: 'The Dispossessed', pageCount: '387', genre: 'FICTION', author: null } }),",
      "    publishBook: await library.Library_PublishBook({ path: { name: 'shelves/1/books/7' }, body: { force: true, copies: '3' } }),",
      "    listTitles: await library.Library_ListTitles({ path: { parent: 'shelves/1' } }),",
      "    deleteBook: await library.Library_DeleteBook({ path: { name: 'shelves/1/books/7' } }),",
      "    missing: await library.Library_GetBook({ path: { name: 'shelves/1/books/missing' } }).then(() => undefined, failed),",
      '  };',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(await compile(dir, ['calls.ts']), []);
  const { calls } = (await import(pathToFileURL(join(dir, 'out', 'calls.js')).href)) as { calls(baseUrl: string): Promise<Record<string, any>> };
  const answers = await calls(rig.gateway.url);

  // The server got what the calls said, by the routes the document names.
  const received = (name: string): Json[] => (rig.library.received.get(name) ?? []) as unknown as Json[];
  assert.equal(received('GetBook')[0]?.name, 'shelves/1/books/7');
  const list = received('ListBooks')[0] as Json;
  assert.equal(list.parent, 'shelves/1');
  assert.equal(list.pageSize, 2);
  assert.deepEqual(list.tags, ['a', 'b']);
  assert.equal(list.filter?.author, 'Le Guin');
  assert.equal(list.big, 18446744073709551615n);
  assert.equal(received('ListBooks').length, 2, 'the additional binding reached the same method');
  const create = received('CreateBook')[0] as Json;
  assert.equal(create.parent, 'shelves/1');
  assert.equal(create.bookId, 'b9');
  assert.equal(create.book?.title, 'The Dispossessed');
  assert.equal(create.book?.pageCount, 387n);
  const publish = received('PublishBook')[0] as Json;
  assert.deepEqual([publish.name, publish.force, publish.copies], ['shelves/1/books/7', true, 3n]);

  // Each answer fits the schema the document gives it.
  const checks: [string, string, string, unknown][] = [
    ['/v1/{name}', 'get', 'getBook', answers.getBook],
    ['/v1/{parent}/books', 'get', 'listBooks', answers.listBooks],
    ['/v1/books', 'get', 'listAll', answers.listAll],
    ['/v1/{parent}/books', 'post', 'createBook', answers.createBook],
    ['/v1/{name}:publish', 'post', 'publishBook', answers.publishBook],
    ['/v1/{parent}/titles', 'get', 'listTitles', answers.listTitles],
    ['/v1/{name}', 'delete', 'deleteBook', answers.deleteBook],
  ];
  for (const [path, method, name, answer] of checks) {
    assert.notEqual(answer, undefined, name);
    assert.deepEqual(validator(responseSchema(path, method, '200', 'application/json'))(answer), [], name);
  }
  assert.ok(Array.isArray(answers.listTitles) && answers.listTitles.length === 1, 'response_body: the books alone');
  assert.equal(answers.missing.status, 404);
  assert.deepEqual(validator(responseSchema('/v1/{name}', 'get', 'default', 'application/problem+json'))(answers.missing.body), []);
  assert.equal(answers.missing.body.code, 5);
});

test('a server stream answers newline-delimited results that fit the document', async () => {
  const response = await fetch(`${rig.gateway.url}/v1/shelves/1/books:watch?count=2`);
  assert.equal(response.status, 200);
  const lines = (await response.text()).split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 2, `${lines.length} results`);
  const check = validator(responseSchema('/v1/{parent}/books:watch', 'get', '200', 'application/json'));
  for (const line of lines) assert.deepEqual(check(JSON.parse(line)), [], line);
});
