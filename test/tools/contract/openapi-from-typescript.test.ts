// `switchyard contract openapi TYPES.ts --type NAME...` against ts-json-schema-generator's own
// command line on the same types, the OpenAPI 3.1 schema, and the one-line errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Validator } from '@seriousme/openapi-schema-validator';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { generatorSchema } from './generator-reference.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/tools/contract/fixtures/', import.meta.url));
const TYPES = join(FIXTURES, 'shop-types.ts');
const ROOTS = ['Order', 'ProductPage'];

type Schema = Record<string, any>;
let document: Schema;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'contract-ts-'));
  const result = await runCliCaptured(['contract', 'openapi', TYPES, ...ROOTS.flatMap((t) => ['--type', t])]);
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  document = JSON.parse(result.stdout) as Schema;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('components.schemas hold what ts-json-schema-generator writes for the same types, under #/components/schemas', async () => {
  const expected: Record<string, unknown> = {};
  for (const root of ROOTS) Object.assign(expected, (await generatorSchema(TYPES, root)).definitions);
  // The reference's draft-07 spelled as OpenAPI 3.1: references moved, `Page<Product>` named as a
  // component may be, and the one tuple in prefixItems (JSON Schema 2020-12).
  const renamed = JSON.parse(
    JSON.stringify(expected).replaceAll('"#/definitions/', '"#/components/schemas/').replaceAll('Page%3CProduct%3E', 'Page_Product_'),
  ) as Record<string, Schema>;
  renamed.Page_Product_ = renamed['Page<Product>'] as Schema;
  delete renamed['Page<Product>'];
  const slot = (renamed.Order as Schema).properties.slot as Schema;
  slot.prefixItems = slot.items;
  delete slot.items;
  assert.deepEqual(Object.keys(document.components.schemas).sort(), Object.keys(renamed).sort());
  for (const [name, schema] of Object.entries(renamed)) assert.deepEqual(document.components.schemas[name], schema, name);
});

test('the document is valid OpenAPI 3.1', async () => {
  assert.equal(document.openapi, '3.1.0');
  const result = await new Validator().validate(document as never);
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
});

test('each TypeScript construct maps as ts-json-schema-generator maps it', () => {
  const s = document.components.schemas as Record<string, Schema>;
  const product = s.Product as Schema;
  const order = s.Order as Schema;
  // @asType integer, JSDoc description, @minimum / @maximum
  assert.deepEqual(product.properties.id, { type: 'integer', description: "The product's number.", minimum: 1 });
  assert.deepEqual(product.properties.price, { type: 'number', description: 'Price in cents.', minimum: 0, maximum: 1000000 });
  assert.equal(product.description, 'A product in the shop.');
  // Date -> date-time, @format
  assert.deepEqual(product.properties.addedAt, { type: 'string', format: 'date-time' });
  assert.deepEqual(product.properties.homepage, { type: 'string', format: 'uri' });
  // optional -> not required; nullable stays required with null in its type
  assert.equal(product.required.includes('homepage'), false);
  assert.equal(product.required.includes('discontinued'), false);
  assert.deepEqual(product.properties.note, { type: ['string', 'null'] });
  assert.equal(product.required.includes('note'), true);
  // literal union -> enum, single literal -> const
  assert.deepEqual(product.properties.size, { type: 'string', enum: ['small', 'medium', 'large'] });
  assert.deepEqual(product.properties.currency, { type: 'string', const: 'EUR' });
  // arrays, Record<string, T>, references
  assert.deepEqual(product.properties.tags, { type: 'array', items: { $ref: '#/components/schemas/Tag' } });
  assert.deepEqual(product.properties.attributes, { type: 'object', additionalProperties: { $ref: '#/components/schemas/Tag' }, description: 'Free-form attributes, by name.' });
  // @pattern, @minLength
  assert.deepEqual((s.Tag as Schema).properties.label, { type: 'string', pattern: '^[a-z][a-z0-9-]*$', minLength: 1 });
  // closed objects
  assert.equal(product.additionalProperties, false);
  assert.equal(order.properties.lines.items.additionalProperties, false);
  // TS enums (string and numeric)
  assert.deepEqual(s.OrderStatus, { type: 'string', enum: ['placed', 'shipped', 'delivered'], description: 'Where an order is in its life.' });
  assert.deepEqual(s.Priority, { type: 'number', enum: [0, 1] });
  // a union of objects
  assert.deepEqual(s.Delivery, { anyOf: [{ $ref: '#/components/schemas/Shipping' }, { $ref: '#/components/schemas/Pickup' }], description: 'How an order reaches its buyer.' });
  // an instantiated generic gets a legal component name
  assert.deepEqual(s.ProductPage, { $ref: '#/components/schemas/Page_Product_' });
  assert.deepEqual((s.Page_Product_ as Schema).properties.items, { type: 'array', items: { $ref: '#/components/schemas/Product' } });
  // a tuple in JSON Schema 2020-12 words, and no draft-07 leftovers anywhere
  assert.deepEqual(order.properties.slot.prefixItems, [{ type: 'string' }, { type: 'number' }]);
  const text = JSON.stringify(document);
  assert.doesNotMatch(text, /#\/definitions\/|"\$schema"|"additionalItems"/);
});

test('-o FILE.yaml writes the same document as YAML', async () => {
  const out = join(dir, 'shop.yaml');
  const result = await runCliCaptured(['contract', 'openapi', TYPES, '--type', 'Order', '--type', 'ProductPage', '-o', out, '--title', 'Shop', '--api-version', '2.1.0']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  const written = parse(readFileSync(out, 'utf8')) as Schema;
  assert.deepEqual(written.info, { title: 'Shop', version: '2.1.0' });
  assert.deepEqual(written.components, document.components);
});

test('a type name the file does not export is one line naming it, exit 1', async () => {
  const result = await runCliCaptured(['contract', 'openapi', 'shop-types.ts', '--type', 'Order', '--type', 'Invoice'], { cwd: FIXTURES });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'switchyard: shop-types.ts exports no interface, type alias or enum named "Invoice" (SY_ERR_CONTRACT_TYPE_NOT_FOUND)\n');
});

test('a generic type named without its arguments says how to name it, exit 1', async () => {
  const result = await runCliCaptured(['contract', 'openapi', 'shop-types.ts', '--type', 'Page'], { cwd: FIXTURES });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'switchyard: shop-types.ts: "Page" is generic and needs type arguments; export an alias such as type PageOfX = Page<X> and name that (SY_ERR_CONTRACT_TYPE_NOT_FOUND)\n',
  );
});

test('TypeScript that does not type-check is one line with file:line:col and the compiler message, exit 1', async () => {
  writeFileSync(join(dir, 'broken.ts'), 'export interface User {\n  id: number;\n  name: Strin;\n}\n');
  const result = await runCliCaptured(['contract', 'openapi', 'broken.ts', '--type', 'User'], { cwd: dir });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, "switchyard: broken.ts:3:9: Cannot find name 'Strin'. Did you mean 'String'? (TS2552) (SY_ERR_CONTRACT_TYPESCRIPT)\n");
});

test('a missing file, and no --type, are one line each, exit 1', async () => {
  const missing = await runCliCaptured(['contract', 'openapi', 'nowhere.ts', '--type', 'User'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'switchyard: nowhere.ts: no such file (SY_ERR_FILE_NOT_FOUND)\n');
  const untyped = await runCliCaptured(['contract', 'openapi', TYPES]);
  assert.equal(untyped.code, 1);
  assert.equal(untyped.stderr, 'switchyard: contract openapi: name at least one --type (SY_ERR_CLI_USAGE)\n');
});

test('--tsconfig applies its compiler options: a DOM type type-checks by default and not under lib es2022', async () => {
  writeFileSync(join(dir, 'upload.ts'), 'export interface Upload {\n  name: string;\n  data: Blob;\n}\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { lib: ['es2022'], types: [], strict: true } }));
  const byDefault = await runCliCaptured(['contract', 'openapi', 'upload.ts', '--type', 'Upload'], { cwd: dir });
  assert.equal(byDefault.code, 0, byDefault.stderr);
  const lean = await runCliCaptured(['contract', 'openapi', 'upload.ts', '--type', 'Upload', '--tsconfig', 'tsconfig.json'], { cwd: dir });
  assert.equal(lean.code, 1);
  assert.equal(lean.stderr, "switchyard: upload.ts:3:9: Cannot find name 'Blob'. (TS2304) (SY_ERR_CONTRACT_TYPESCRIPT)\n");
  const missing = await runCliCaptured(['contract', 'openapi', 'upload.ts', '--type', 'Upload', '--tsconfig', 'none.json'], { cwd: dir });
  assert.equal(missing.stderr, 'switchyard: none.json: no such file (SY_ERR_FILE_NOT_FOUND)\n');
});
