// buf's output shapes for a finding about a file that no longer exists (FILE_NO_DELETE): buf
// names it `<input>` and leaves out what it cannot know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFindings } from '../../../src/tools/proto/output/error-format.js';
import type { Finding } from '../../../src/tools/proto/finding.js';

const gone: Finding = { rule: 'FILE_NO_DELETE', path: '', startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, message: 'Previously present file "a.proto" was deleted.' };

test('a finding without a file in every format', () => {
  assert.equal(formatFindings([gone], 'text'), '<input>:1:1:Previously present file "a.proto" was deleted.\n');
  assert.equal(formatFindings([gone], 'json'), '{"start_line":1,"start_column":1,"end_line":1,"end_column":1,"type":"FILE_NO_DELETE","message":"Previously present file \\"a.proto\\" was deleted."}\n');
  assert.equal(formatFindings([gone], 'github-actions'), '::error file=<input>::Previously present file "a.proto" was deleted.\n');
  assert.equal(formatFindings([gone], 'msvs'), '<input>(1,1) : error FILE_NO_DELETE : Previously present file "a.proto" was deleted.\n');
  assert.match(formatFindings([gone], 'junit'), /<testsuite name="&lt;input&gt;" tests="1" failures="1" errors="0">\n {4}<testcase name="FILE_NO_DELETE">/);
});

test('no findings print nothing in any format', () => {
  for (const format of ['text', 'json', 'github-actions', 'junit', 'msvs'] as const) assert.equal(formatFindings([], format), '', format);
});
