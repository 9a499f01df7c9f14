// What buf does without being told: PACKAGE_VERSION_SUFFIX's accepted versions (v1alpha and
// v2beta pass, as googleapis relies on), and the rule set of a v1 buf.yaml or of no buf.yaml at
// all, which leaves out PACKAGE_NO_IMPORT_CYCLE and FIELD_NOT_REQUIRED. Each checked against buf.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth } from './buf-reference.js';
import { protoTree } from './proto-tree.js';

const VERSIONS = ['v1', 'v0', 'v01', 'v12', 'v1alpha', 'v1alpha0', 'v1alpha1', 'v2beta', 'v1beta0', 'v1test', 'v1testing2', 'v1p1', 'v1p1alpha', 'v1p1beta2', 'v1p0alpha1', 'v1p1test', 'v1main', 'V1', 'v1alpha1beta'];

describe('PACKAGE_VERSION_SUFFIX', () => {
  test('accepts and rejects the same version spellings as buf', async () => {
    const files: Record<string, string> = { 'buf.yaml': 'version: v2\nlint:\n  use: [PACKAGE_VERSION_SUFFIX]\n' };
    for (const v of VERSIONS) files[`acme/${v}/x.proto`] = `syntax = "proto3";\npackage acme.${v};\n`;
    const tree = await protoTree(files);
    try {
      const { buf, ours } = await lintBoth(tree.dir);
      assert.deepEqual(ours, buf);
      const rejected = buf.map((k) => /acme\/([^/]+)\//.exec(k)?.[1]).sort();
      assert.deepEqual(rejected, ['V1', 'v0', 'v1alpha0', 'v1alpha1beta', 'v1beta0', 'v1main', 'v1p0alpha1', 'v1p1', 'v1p1test'].sort());
    } finally {
      await tree.remove();
    }
  });
});

describe('the rule set follows the buf.yaml version', () => {
  // An import cycle between two packages and a proto2 required field.
  const files = {
    'a/v1/a.proto': 'syntax = "proto2";\npackage a.v1;\nimport "b/v1/b.proto";\nmessage A {\n  optional b.v1.B b = 1;\n  required string id = 2;\n}\n',
    'b/v1/b.proto': 'syntax = "proto2";\npackage b.v1;\nimport "a/v1/c.proto";\nmessage B {\n  optional a.v1.C c = 1;\n}\n',
    'a/v1/c.proto': 'syntax = "proto2";\npackage a.v1;\nmessage C {}\n',
  };
  const cases: [string, Record<string, string>, string[]][] = [
    ['no buf.yaml: buf lints with its v1 defaults', {}, []],
    ['a v1 buf.yaml', { 'buf.yaml': 'version: v1\n' }, []],
    ['a v2 buf.yaml', { 'buf.yaml': 'version: v2\n' }, ['FIELD_NOT_REQUIRED', 'PACKAGE_NO_IMPORT_CYCLE', 'PACKAGE_NO_IMPORT_CYCLE']],
  ];
  for (const [name, config, rules] of cases) {
    test(name, async () => {
      const tree = await protoTree({ ...files, ...config });
      try {
        const { buf, ours } = await lintBoth(tree.dir);
        // Switchyard's own FIELD_NUMBERS_CONTIGUOUS runs by default; buf knows nothing of it.
        assert.deepEqual(ours.filter((k) => !k.startsWith('FIELD_NUMBERS_CONTIGUOUS')), buf);
        assert.deepEqual(buf.map((k) => k.split(' ')[0]).sort(), rules);
      } finally {
        await tree.remove();
      }
    });
  }
});
