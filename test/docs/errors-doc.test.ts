// docs/errors.md beyond the list of codes (test/errors.test.ts): one row per code, and the status
// column says what the catalogue says: the HTTP status, or CLI for codes that never reach a
// client (catalogue status 500). The two codes whose status comes from elsewhere say so in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { catalogue } from '../../src/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `(SY_ERR_\w+)` \| ([^|]+) \|/gm)].map((m) => ({ code: m[1] as string, status: (m[2] as string).trim() }));

test('one row per catalogue code', () => {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
  assert.deepEqual([...counts].filter(([, n]) => n > 1), []);
  assert.deepEqual(Object.keys(catalogue).filter((c) => !counts.has(c)), []);
});

test('each row gives the catalogue status', () => {
  const wrong: string[] = [];
  for (const { code, status } of rows) {
    const def = catalogue[code as keyof typeof catalogue];
    if (/^\d{3}$/.test(status)) {
      if (Number(status) !== def.status) wrong.push(`${code}: ${status} on the page, ${def.status} in the catalogue`);
    } else if (status === 'CLI') {
      if (def.status !== 500) wrong.push(`${code}: CLI on the page, but the catalogue gives it ${def.status}`);
    } else if (!['SY_ERR_GRPC_STATUS', 'SY_ERR_UPSTREAM_ERROR'].includes(code)) wrong.push(`${code}: '${status}' is neither a status nor CLI`);
  }
  assert.deepEqual(wrong, []);
});
