// FIELD_NUMBERS_CONTIGUOUS (the article's rule): reserved and extension ranges fill gaps, with the
// descriptor's exclusive range end read right, and field numbers in the millions (as googleapis
// has) are handled as ranges rather than one number at a time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProtoInput } from '../../../src/proto/load.js';
import { parseProtoConfig } from '../../../src/tools/proto/config.js';
import { lintImage } from '../../../src/tools/proto/lint/run-lint.js';
import { protoTree, type ProtoTree } from './proto-tree.js';

const MESSAGES = [
  // Extension ranges cover 3..10: nothing is missing.
  'message Covered {\n  optional int32 a = 1;\n  optional int32 b = 2;\n  extensions 3 to 10;\n  optional int32 c = 11;\n}',
  // `extensions 2 to 4` ends before 5 (the descriptor stores end = 5, exclusive): 5 is a gap.
  'message EndExclusive {\n  optional int32 a = 1;\n  extensions 2 to 4;\n  optional int32 c = 6;\n}',
  // Extension and reserved ranges together, the gap between them reported.
  'message Mixed {\n  optional int32 a = 1;\n  reserved 2 to 3;\n  extensions 7 to 9;\n  optional int32 c = 10;\n}',
  // Numbers in the millions: one range, found without walking every number.
  'message Big {\n  optional int32 a = 1;\n  optional int32 b = 100000000;\n}',
  // A message only extended at the top: numbers past the last field do not count.
  'message Open {\n  optional int32 a = 1;\n  extensions 100 to max;\n}',
];

describe('FIELD_NUMBERS_CONTIGUOUS', () => {
  let tree: ProtoTree;
  before(async () => {
    tree = await protoTree({ 'acme/v1/numbers.proto': `syntax = "proto2";\n\npackage acme.v1;\n\n${MESSAGES.join('\n\n')}\n` });
  });
  after(() => tree.remove());

  test('extension ranges cover numbers, their end is exclusive, and big numbers are ranges', async () => {
    const image = await loadProtoInput('.', { cwd: tree.dir });
    const findings = lintImage(image, parseProtoConfig({ lint: { use: ['FIELD_NUMBERS_CONTIGUOUS'] } }, undefined));
    assert.deepEqual(
      findings.map((f) => `${f.startLine}:${f.startColumn} ${f.message}`),
      [
        '12:9 Message "EndExclusive" skips field numbers 5; reserve them or renumber.',
        '18:9 Message "Mixed" skips field numbers 4 to 6; reserve them or renumber.',
        '25:9 Message "Big" skips field numbers 2 to 99999999; reserve them or renumber.',
      ],
    );
  });
});
