// A larger, generated cross-check: the benchmark's tree generator writes a module, then a
// reshuffled later version (files moved between packages, fields renamed, files deleted);
// `switchyard proto` and buf must agree on every lint and breaking finding.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTree } from '../../../bench/proto/generate-tree.js';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { runBuf } from './buf-reference.js';

type Row = { type: string; path?: string; start_line: number; start_column: number };
const key = (f: Row): string => `${f.type} in ${f.path ?? '<input>'}:${f.start_line}:${f.start_column}`;
const parse = (out: string): Row[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);

function diff(ours: Row[], theirs: Row[]): string[] {
  const a = new Set(ours.map(key));
  const b = new Set(theirs.map(key));
  return [...[...b].filter((k) => !a.has(k)).map((k) => `only buf reports ${k}`), ...[...a].filter((k) => !b.has(k)).map((k) => `only switchyard reports ${k}`)].sort();
}

describe('agreement with buf on a generated tree', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-proto-generated-'));
    await generateTree(join(dir, 'before'), { files: 80, filesPerPackage: 10, variant: 'before' });
    await generateTree(join(dir, 'after'), { files: 70, filesPerPackage: 7, variant: 'after' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('lint', async () => {
    await writeFile(join(dir, 'after', 'switchyard.proto.yaml'), 'lint:\n  use: [STANDARD]\n');
    const ours = await runCliCaptured(['proto', 'lint', 'after', '--error-format', 'json'], { cwd: dir });
    const theirs = await runBuf(['lint', 'after'], dir);
    assert.ok(theirs.length > 50);
    assert.deepEqual(diff(parse(ours.stdout), theirs), []);
  });

  for (const category of ['FILE', 'PACKAGE']) {
    test(`breaking, ${category}`, async () => {
      await writeFile(join(dir, 'after', 'switchyard.proto.yaml'), `breaking:\n  use: [${category}]\n`);
      await writeFile(join(dir, 'after', 'buf.yaml'), `version: v2\nbreaking:\n  use: [${category}]\n`);
      const ours = await runCliCaptured(['proto', 'breaking', 'after', '--against', 'before', '--error-format', 'json'], { cwd: dir });
      const theirs = await runBuf(['breaking', 'after', '--against', 'before'], dir);
      assert.ok(theirs.length > 50);
      // buf 1.75 reports PACKAGE_ENUM_NO_DELETE only when the enum's file is gone too (see
      // breaking-agreement.test.ts); Switchyard always does, so the rule is compared there.
      const comparable = (rows: Row[]): Row[] => rows.filter((f) => f.type !== 'PACKAGE_ENUM_NO_DELETE');
      assert.deepEqual(diff(comparable(parse(ours.stdout)), comparable(theirs)), []);
    });
  }
});
