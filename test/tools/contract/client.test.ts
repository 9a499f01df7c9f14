// `switchyard contract client OPENAPI -o client.ts`: clients generated from our own document and
// from a real public one (Directus's, as its npm package ships it), compiled with the project's
// TypeScript under --strict, wrong calls refused by the compiler, and calls made to a real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { compile } from './compile-client.js';

const SHOP = fileURLToPath(new URL('../../../../test/tools/contract/fixtures/shop-api.yaml', import.meta.url));
const DIRECTUS = join(dirname(createRequire(import.meta.url).resolve('@directus/specs/package.json')), 'dist', 'openapi.json');

let dir: string;
let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'contract-client-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const json = (status: number, value: unknown, type = 'application/json'): void => {
        res.writeHead(status, { 'content-type': type }).end(JSON.stringify(value));
      };
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/v1/products/7') return json(200, { id: 7, name: 'kettle', size: 'small', note: null });
      if (req.method === 'GET' && url.pathname === '/v1/products/404') {
        return json(404, { type: 'about:blank', title: 'not found', status: 404, detail: 'no product 404', code: 'SY_ERR_NOT_FOUND' }, 'application/problem+json');
      }
      if (req.method === 'PUT' && url.pathname === '/v1/products/7') return void res.writeHead(204).end();
      if (req.method === 'GET' && url.pathname === '/v1/products') return json(200, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
      if (req.method === 'POST' && url.pathname === '/auth/login') return json(200, { data: { access_token: 'tok', expires: 900 } });
      if (req.method === 'GET' && url.pathname === '/activity/3') return json(403, { errors: [{ message: 'forbidden' }] });
      res.writeHead(500).end('unexpected');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [spec, out] of [[SHOP, 'shop-client.ts'], [DIRECTUS, 'directus-client.ts']] as const) {
    const result = await runCliCaptured(['contract', 'client', spec, '-o', join(dir, out)]);
    assert.equal(result.code, 0, result.stderr);
  }
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('the client exports openapi-typescript types under their names and one method per operationId', () => {
  const source = readFileSync(join(dir, 'shop-client.ts'), 'utf8');
  for (const name of ['export interface paths', 'export interface components', 'export interface operations', 'export function createClient', 'export class ClientError']) {
    assert.ok(source.includes(name), name);
  }
  assert.match(source, /"getProduct": \{ method: "GET", path: "\/products\/\{id\}" \}/);
  assert.match(source, /"putProduct": \{ method: "PUT", path: "\/products\/\{id\}", mediaType: "application\/json" \}/);
  assert.doesNotMatch(source, /^\s*import /m, 'the runtime imports nothing');
});

test('an operation without an operationId is named on stderr and gets no method', async () => {
  const result = await runCliCaptured(['contract', 'client', SHOP]);
  assert.equal(result.code, 0);
  assert.equal(result.stderr, `switchyard: ${SHOP}: GET /health has no operationId and gets no client method\n`);
  assert.doesNotMatch(result.stdout, /"\/health"\s*\}/);
});

test('both clients and calls that use them right compile with the project tsc --strict; the calls reach a real server', async () => {
  writeFileSync(
    join(dir, 'use.ts'),
    [
      "import { createClient as shopClient, ClientError } from './shop-client.js';",
      "import { createClient as directusClient } from './directus-client.js';",
      'export async function main(baseUrl: string): Promise<unknown[]> {',
      "  const shop = shopClient({ baseUrl: baseUrl + '/v1/', headers: { authorization: 'Bearer t' } });",
      "  const product = await shop.getProduct({ path: { id: 7 }, query: { fields: ['name', 'size'] } });",
      '  const name: string = product.name;',
      "  const size: 'small' | 'large' | undefined = product.size;",
      "  const stored: undefined = await shop.putProduct({ path: { id: 7 }, headers: { 'If-Match': 'v1', Authorization: 'Bearer call' }, body: { id: 7, name: 'kettle', note: null } });",
      "  const list = await shop.listProducts({ query: { limit: 2, size: 'large' } });",
      '  const ids: number[] = list.map((p) => p.id);',
      '  let failure: unknown[] = [];',
      '  try {',
      '    await shop.getProduct({ path: { id: 404 } });',
      '  } catch (err) {',
      '    if (err instanceof ClientError) failure = [err.status, err.body, err.operationId, err.message];',
      '  }',
      '  const directus = directusClient({ baseUrl });',
      "  const login = await directus.login({ body: { email: 'a@b.c', password: 'p' } });",
      '  const token: string | undefined = login.data?.access_token;',
      '  const denied = await directus.getActivity({ path: { id: 3 } }).then(() => undefined, (err: ClientError) => err.status);',
      '  return [name, size, stored, ids, failure, token, denied];',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(await compile(dir, ['use.ts']), []);
  const { main } = (await import(pathToFileURL(join(dir, 'out', 'use.js')).href)) as { main(baseUrl: string): Promise<unknown[]> };
  seen.length = 0;
  const [name, size, stored, ids, failure, token, denied] = await main(baseUrl);
  assert.equal(name, 'kettle');
  assert.equal(size, 'small');
  assert.equal(stored, undefined);
  assert.deepEqual(ids, [1, 2]);
  assert.deepEqual(failure, [404, { type: 'about:blank', title: 'not found', status: 404, detail: 'no product 404', code: 'SY_ERR_NOT_FOUND' }, 'getProduct', 'getProduct failed with status 404: no product 404']);
  assert.equal(token, 'tok');
  assert.equal(denied, 403);
  // What reached the server: paths filled in, queries exploded, headers merged, bodies as JSON.
  assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), [
    'GET /v1/products/7?fields=name&fields=size',
    'PUT /v1/products/7',
    'GET /v1/products?limit=2&size=large',
    'GET /v1/products/404',
    'POST /auth/login',
    'GET /activity/3',
  ]);
  assert.equal(seen[0]?.headers.authorization, 'Bearer t');
  assert.equal(seen[1]?.headers['if-match'], 'v1');
  // a call's header replaces the client's whatever its case, rather than joining it
  assert.equal(seen[1]?.headers.authorization, 'Bearer call');
  assert.equal(seen[1]?.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(seen[1]?.body ?? ''), { id: 7, name: 'kettle', note: null });
  assert.deepEqual(JSON.parse(seen[4]?.body ?? ''), { email: 'a@b.c', password: 'p' });
});

test('wrong calls do not compile: each marked line is a tsc error and nothing else is', async () => {
  const lines = [
    "import { createClient as shopClient } from './shop-client.js';",
    "import { createClient as directusClient } from './directus-client.js';",
    'export async function wrong(): Promise<void> {',
    "  const shop = shopClient({ baseUrl: 'http://127.0.0.1' });",
    "  const directus = directusClient({ baseUrl: 'http://127.0.0.1' });",
    "  await shop.getProduct({ path: { id: 'seven' } }); // WRONG: path parameter of the wrong type",
    '  await shop.getProduct(); // WRONG: required path parameter missing',
    '  await shop.getProduct({ path: { id: 7, sku: 1 } }); // WRONG: unknown path parameter',
    "  await shop.putProduct({ path: { id: 7 }, body: { id: 7, name: 'k' } }); // WRONG: required header missing",
    "  await shop.putProduct({ path: { id: 7 }, headers: { 'If-Match': 'v' }, body: { id: 7 } }); // WRONG: body misses a required property",
    "  await shop.listProducts({ query: { size: 'huge' } }); // WRONG: not one of the enum",
    '  await shop.listProducts({ body: [] }); // WRONG: the operation takes no body',
    '  await shop.deleteProduct(); // WRONG: no such operation',
    '  const n: number = (await shop.getProduct({ path: { id: 7 } })).name; // WRONG: the 2xx body says string',
    "  await directus.login({ body: { email: 'a@b.c' } }); // WRONG: password is required",
    "  await directus.getActivity({ path: { id: '3' } }); // WRONG: id is an integer",
    '  void n;',
    '}',
    '',
  ];
  writeFileSync(join(dir, 'wrong.ts'), lines.join('\n'));
  const marked = lines.flatMap((l, i) => (l.includes('// WRONG') ? [i + 1] : []));
  const errors = (await compile(dir, ['wrong.ts'])).filter((d) => d.file === 'wrong.ts');
  assert.deepEqual([...new Set(errors.map((e) => e.line))], marked, errors.map((e) => `${e.line}: ${e.text}`).join('\n'));
});

test('input that is not an OpenAPI 3 document is one line, exit 1', async () => {
  const cases: [string, string, string][] = [
    ['swagger.json', '{"swagger":"2.0","paths":{}}', 'swagger.json: Swagger 2.0 is not supported; convert it to OpenAPI 3 (SY_ERR_CONTRACT_OPENAPI)'],
    ['old.yaml', 'openapi: 4.0.0\npaths: {}\n', 'old.yaml: "openapi" must be 3.0.x or 3.1.x, found "4.0.0" (SY_ERR_CONTRACT_OPENAPI)'],
    ['list.yaml', '- a\n- b\n', 'list.yaml: not an OpenAPI document (no top-level object) (SY_ERR_CONTRACT_OPENAPI)'],
    [
      'twice.yaml',
      "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {operationId: x, responses: {}}}\n  /b: {post: {operationId: x, responses: {}}}\n",
      'twice.yaml: operationId "x" is used by both GET /a and POST /b (SY_ERR_CONTRACT_OPENAPI)',
    ],
    [
      'dangling.yaml',
      "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {operationId: a, responses: {'200': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}}}\n",
      "dangling.yaml: /paths/~1a/get/responses/200/content/application~1json/schema: $ref '#/components/schemas/Nope' points at nothing (SY_ERR_CONTRACT_OPENAPI)",
    ],
    [
      'remote.yaml',
      "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: 'http://127.0.0.1:9/paths.yaml#/a'}\n",
      "remote.yaml: /paths/~1a: $ref 'http://127.0.0.1:9/paths.yaml#/a' points at the network; save that document beside this one and refer to the file (SY_ERR_CONTRACT_OPENAPI)",
    ],
  ];
  for (const [file, text, message] of cases) {
    writeFileSync(join(dir, file), text);
    const result = await runCliCaptured(['contract', 'client', file, '-o', 'x.ts'], { cwd: dir });
    assert.equal(result.code, 1, file);
    assert.equal(result.stderr, `switchyard: ${message}\n`);
  }
  const missing = await runCliCaptured(['contract', 'client', 'none.yaml'], { cwd: dir });
  assert.equal(missing.stderr, 'switchyard: none.yaml: no such file (SY_ERR_FILE_NOT_FOUND)\n');
  assert.equal(missing.code, 1);
});
