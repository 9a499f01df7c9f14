// docs/config-reference.md is what `npm run docs:config` renders from the schema today, and it
// names every key of the schema with its default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderConfigReference, type SchemaNode } from '../../src/tools/config-reference/render.js';

const root = new URL('../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/switchyard.schema.json', root), 'utf8')) as SchemaNode;
const committed = readFileSync(new URL('docs/config-reference.md', root), 'utf8');

test('docs/config-reference.md is up to date with the schema (run npm run docs:config)', () => {
  assert.equal(committed, renderConfigReference(schema));
});

test('every property name and every default of the schema appears in the reference', () => {
  const missing: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    for (const name of Object.keys((n['properties'] ?? {}) as object)) if (!new RegExp(`\`[^\`]*\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`(?: \\|)`).test(committed)) missing.push(name);
    if (n['default'] !== undefined && !committed.includes(`\`${JSON.stringify(n['default'])}\``)) missing.push(`default ${JSON.stringify(n['default'])}`);
    Object.values(n).forEach(walk);
  };
  walk(schema);
  assert.deepEqual(missing, []);
});
