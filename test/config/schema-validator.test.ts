// src/config/schema-validator.generated.ts is what `npm run schema:validator` compiles from the
// schema today: a schema edited without regenerating it would otherwise go unchecked at load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { schemaValidatorSource } from '../../src/tools/schema-validator/generate.js';

const root = new URL('../../../', import.meta.url);

test('the committed config validator is compiled from the schema as it is (run npm run schema:validator)', () => {
  const schema = readFileSync(new URL('schema/switchyard.schema.json', root), 'utf8');
  const committed = readFileSync(new URL('src/config/schema-validator.generated.ts', root), 'utf8');
  assert.ok(committed === schemaValidatorSource(schema), 'src/config/schema-validator.generated.ts is stale: run npm run schema:validator');
});
