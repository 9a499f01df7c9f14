// Rule IDs and categories are buf's, so `use`/`except` lists move between buf.yaml and
// switchyard.proto.yaml unchanged: compared with what buf itself lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bufBinary } from '../../../src/proto/buf-binary.js';
import { BREAKING_RULES } from '../../../src/tools/proto/breaking/registry.js';
import { LINT_RULES, UNCHECKED_BUF_RULES } from '../../../src/tools/proto/lint/registry.js';

const run = promisify(execFile);

async function bufRules(kind: 'lint' | 'breaking'): Promise<string[]> {
  const { stdout } = await run(bufBinary(), ['config', `ls-${kind}-rules`, '--version', 'v2', '--format', 'json']);
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; categories: string[] | null })
    .map((r) => `${r.id} [${[...(r.categories ?? [])].sort().join(',')}]`)
    .sort();
}

test('breaking rules: same IDs and categories as buf', async () => {
  const ours = BREAKING_RULES.map((r) => `${r.id} [${[...r.categories].sort().join(',')}]`).sort();
  assert.deepEqual(ours, await bufRules('breaking'));
});

test('lint rules: every buf rule is known, with the same categories', async () => {
  const ours = new Set(LINT_RULES.filter((r) => !r.categories.includes('SWITCHYARD')).map((r) => `${r.id} [${[...r.categories].sort().join(',')}]`));
  const missing = (await bufRules('lint')).filter((r) => !ours.has(r) && !UNCHECKED_BUF_RULES.includes(r.split(' ')[0] ?? ''));
  assert.deepEqual(missing, []);
});
