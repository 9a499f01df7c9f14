/** `npm run docs:config`: writes docs/config-reference.md from the schema (render.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference, type SchemaNode } from './render.js';

const root = new URL('../../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/switchyard.schema.json', root), 'utf8')) as SchemaNode;
writeFileSync(new URL('docs/config-reference.md', root), renderConfigReference(schema));
