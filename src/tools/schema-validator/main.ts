/** `npm run schema:validator`: writes src/config/schema-validator.generated.ts from the schema (generate.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { schemaValidatorSource } from './generate.js';

const root = new URL('../../../../', import.meta.url);
writeFileSync(new URL('src/config/schema-validator.generated.ts', root), schemaValidatorSource(readFileSync(new URL('schema/switchyard.schema.json', root), 'utf8')));
