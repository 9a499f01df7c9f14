// docs/admin.md names every admin endpoint of the registry with its scope, so an endpoint added
// to src/admin/endpoints.ts without a line in the page fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { adminEndpoints } from '../../src/admin/endpoints.js';

const doc = readFileSync(new URL('../../../docs/admin.md', import.meta.url), 'utf8');

test('every admin endpoint is in the page, in a row that gives its scope', () => {
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  const missing = adminEndpoints
    .map((e) => ({ method: e.method, path: e.path.replace(/\*$/, ''), scope: e.open === true ? 'open' : e.method === 'GET' ? 'read' : 'write' }))
    .filter(({ method, path, scope }) => !rows.some((r) => r.includes(method) && r.includes(path) && r.split('|').at(-2)?.trim().startsWith(scope)))
    .map((e) => `${e.method} ${e.path} (${e.scope})`);
  assert.deepEqual(missing, []);
});
