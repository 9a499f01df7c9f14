// `switchyard proto lint` and `buf lint` must report the same (rule, file, line) set, so a team can
// swap one for the other. Run side by side on a varied corpus and on the well-known types plus
// the google/api files; a disagreement names the rule and the file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { compileModule } from '../../../src/proto/compile.js';
import { loadProtoInput } from '../../../src/proto/load.js';
import { parseProtoConfig } from '../../../src/tools/proto/config.js';
import { lintImage } from '../../../src/tools/proto/lint/run-lint.js';
import { LINT_RULES } from '../../../src/tools/proto/lint/registry.js';
import { bufWorkspace, runBuf } from './buf-reference.js';
import { protoTree, type ProtoTree } from './proto-tree.js';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/proto/lint-corpus', import.meta.url));
const CATEGORIES = ['STANDARD', 'COMMENTS', 'UNARY_RPC'];

function disagreements(ours: Set<string>, theirs: Set<string>): string[] {
  return [
    ...[...theirs].filter((k) => !ours.has(k)).map((k) => `only buf reports ${k}`),
    ...[...ours].filter((k) => !theirs.has(k)).map((k) => `only switchyard reports ${k}`),
  ].sort();
}

describe('lint agrees with buf', () => {
  test('on the corpus: every STANDARD, COMMENTS and UNARY_RPC finding at the same line and column', async () => {
    const ws = await bufWorkspace({ module: CORPUS }, `lint:\n  use: [${CATEGORIES.join(', ')}]\n`);
    let buf;
    try {
      buf = await runBuf(['lint', 'module'], ws.dir);
    } finally {
      await ws.close();
    }
    const theirs = new Set(buf.map((f) => `${f.type} in ${f.path.replace(/^module\//, '')}:${f.start_line}:${f.start_column}`));
    const image = await loadProtoInput('.', { cwd: CORPUS });
    const findings = lintImage(image, parseProtoConfig({ lint: { use: CATEGORIES } }, undefined));
    const ours = new Set(findings.map((f) => `${f.rule} in ${f.path}:${f.startLine}:${f.startColumn}`));
    assert.deepEqual(disagreements(ours, theirs), []);
    // The corpus exercises every shared rule but PROTOVALIDATE (not checked, see docs/proto.md).
    const fired = new Set(findings.map((f) => f.rule));
    const silent = LINT_RULES.filter((r) => r.categories.some((c) => CATEGORIES.includes(c)) && !fired.has(r.id)).map((r) => r.id);
    assert.deepEqual(silent, [], 'rules the corpus never triggers');
  });

  describe('on the well-known types and google/api', () => {
    let tree: ProtoTree;
    let image: string;
    before(async () => {
      // A module importing every well-known type; its compiled imports, as a plain descriptor set
      // (no buf image extension), are linted as targets by both tools.
      const wkt = ['any', 'api', 'duration', 'empty', 'field_mask', 'source_context', 'struct', 'timestamp', 'type', 'wrappers', 'descriptor', 'compiler/plugin'];
      const imports = [...wkt.map((n) => `google/protobuf/${n}.proto`), 'google/api/annotations.proto'];
      tree = await protoTree({ 'all.proto': `syntax = "proto3";\npackage all.v1;\n${imports.map((i) => `import "${i}";\n`).join('')}` });
      const compiled = await compileModule('.', { cwd: tree.dir });
      const set = { ...compiled.set, file: compiled.set.file.filter((f) => f.name !== 'all.proto').map((f) => ({ ...f, $unknown: [] })) };
      image = join(tree.dir, 'wkt.binpb');
      await writeFile(image, toBinary(FileDescriptorSetSchema, set));
    });
    after(() => tree.remove());

    test('same STANDARD findings', async () => {
      const buf = await runBuf(['lint', image, '--config', '{"version":"v2"}'], tree.dir);
      const theirs = new Set(buf.map((f) => `${f.type} in ${f.path}:${f.start_line}:${f.start_column}`));
      const findings = lintImage(await loadProtoInput(image, { cwd: tree.dir }), parseProtoConfig({ lint: { use: ['STANDARD'] } }, undefined));
      const ours = new Set(findings.map((f) => `${f.rule} in ${f.path}:${f.startLine}:${f.startColumn}`));
      assert.ok(theirs.size > 100, `buf found ${theirs.size} findings`);
      assert.deepEqual(disagreements(ours, theirs), []);
    });
  });
});
