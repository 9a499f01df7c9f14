// `switchyard proto lint` end to end through runCli: exit codes, buf's output shapes, the
// configuration files, ignore comments and the article's rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/run-cli.js';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { protoTree, proto3, type ProtoTree } from './proto-tree.js';
import { bufOutput } from './buf-reference.js';

const CLEAN = proto3('acme.shop.v1', 'message Cart {\n  string cart_id = 1;\n}');
const DIRTY = proto3('acme.shop.v1', 'message Item {\n  string itemId = 1;\n  int32 count = 2;\n  string note = 5;\n}\nenum Kind {\n  KIND_NONE = 0;\n}');

async function lint(tree: ProtoTree, ...args: string[]) {
  return runCliCaptured(['proto', 'lint', ...args], { cwd: tree.dir });
}

/** Lints a throw-away tree of `files` once, then removes it. */
async function lintFresh(files: Record<string, string>, ...args: string[]) {
  const tree = await protoTree(files);
  try {
    return await lint(tree, ...args);
  } finally {
    await tree.remove();
  }
}

describe('proto lint command', () => {
  let tree: ProtoTree;
  before(async () => {
    tree = await protoTree({ 'acme/shop/v1/cart.proto': CLEAN, 'acme/shop/v1/item.proto': DIRTY });
  });
  after(() => tree.remove());

  test('exits 0 and prints nothing for a clean file', async () => {
    const r = await lint(tree, 'acme/shop/v1/cart.proto');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  });

  test('exits 100 with buf text lines, including the article rule FIELD_NUMBERS_CONTIGUOUS', async () => {
    const r = await lint(tree);
    assert.equal(r.code, 100);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'acme/shop/v1/item.proto:6:9:Message "Item" skips field numbers 3 to 4; reserve them or renumber.',
      'acme/shop/v1/item.proto:7:10:Field name "itemId" should be lower_snake_case, such as "item_id".',
      'acme/shop/v1/item.proto:12:3:Enum zero value name "KIND_NONE" should be suffixed with "_UNSPECIFIED".',
    ]);
  });

  test('--error-format json prints one buf-shaped object per finding', async () => {
    const r = await lint(tree, '--error-format', 'json', 'acme/shop/v1/item.proto');
    const first = JSON.parse(r.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), ['path', 'start_line', 'start_column', 'end_line', 'end_column', 'type', 'message']);
    assert.equal(first['type'], 'FIELD_NUMBERS_CONTIGUOUS');
  });

  test('--error-format github-actions, msvs and junit', async () => {
    const gh = await lint(tree, '--error-format', 'github-actions', 'acme/shop/v1/item.proto');
    assert.match(gh.stdout, /^::error file=acme\/shop\/v1\/item\.proto,line=7,col=10,endLine=7,endColumn=16::Field name "itemId"/m);
    const msvs = await lint(tree, '--error-format', 'msvs', 'acme/shop/v1/item.proto');
    assert.match(msvs.stdout, /^acme\/shop\/v1\/item\.proto\(7,10\) : error FIELD_LOWER_SNAKE_CASE : Field name/m);
    const junit = await lint(tree, '--error-format', 'junit', 'acme/shop/v1/item.proto');
    assert.match(junit.stdout, /<testsuite name="acme\/shop\/v1\/item" tests="3" failures="3" errors="0">/);
    assert.match(junit.stdout, /<testcase name="FIELD_LOWER_SNAKE_CASE_7_10">/);
    assert.match(junit.stdout, /&#34;itemId&#34;/);
  });

  test('draws a progress bar on a terminal, and nothing on a pipe', async () => {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    const chunks: Buffer[] = [];
    stderr.on('data', (c: Buffer) => chunks.push(c));
    stdout.resume();
    const code = await runCli(['proto', 'lint'], { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: tree.dir });
    assert.equal(code, 100);
    assert.match(Buffer.concat(chunks).toString(), /lint \[=+\] \d+\/\d+/);
    const piped = await lint(tree);
    assert.equal(piped.stderr, '');
  });

  test("--path and --exclude-path limit the run, as buf's do", async () => {
    const only = await lint(tree, '.', '--path', 'acme/shop/v1/cart.proto');
    assert.deepEqual([only.code, only.stdout], [0, '']);
    const without = await lint(tree, '.', '--exclude-path', 'acme/shop/v1/item.proto');
    assert.deepEqual([without.code, without.stdout], [0, '']);
    const dir = await lint(tree, '.', '--path', 'acme/shop');
    assert.equal(dir.code, 100);
  });

  test('an unknown --error-format is a usage error', async () => {
    const r = await lint(tree, '--error-format', 'xml');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^switchyard: .*xml/);
  });

  test('compile errors are COMPILE findings on stdout with exit 100, as buf prints them', async () => {
    const tree = await protoTree({ 'a/v1/a.proto': 'syntax = "proto3";\npackage a.v1;\nmessage A { string x = 1 }\nmessage B { C c = 1; }\n' });
    try {
      const r = await lint(tree);
      assert.deepEqual([r.code, r.stderr], [100, '']);
      assert.match(r.stdout, /^a\/v1\/a\.proto:3:26:.+\na\/v1\/a\.proto:4:13:.+\n$/);
      // Every format, end positions included, is buf's.
      for (const format of ['json', 'github-actions', 'msvs']) {
        const ours = await lint(tree, '--error-format', format);
        const theirs = await bufOutput(tree.dir, ['lint', '--error-format', format]);
        assert.deepEqual([ours.code, ours.stdout], [theirs.code, theirs.stdout], format);
      }
    } finally {
      await tree.remove();
    }
  });

  test('one named file builds alone with its imports, its root found from its package path', async () => {
    const r = await lintFresh(
      {
        'mod/acme/shop/v1/cart.proto': CLEAN,
        'mod/acme/shop/v1/order.proto': proto3('acme.shop.v1', 'message Order {\n  Cart cart = 1;\n  string orderRef = 2;\n}', ['acme/shop/v1/cart.proto']),
        'mod/scratch/broken.proto': 'this does not parse',
      },
      'mod/acme/shop/v1/order.proto',
    );
    assert.equal(r.stderr, '');
    assert.equal(r.code, 100);
    assert.deepEqual(r.stdout.trim().split('\n'), ['mod/acme/shop/v1/order.proto:9:10:Field name "orderRef" should be lower_snake_case, such as "order_ref".']);
  });

  test('a directory with no protos and a missing path are one line each', async () => {
    const empty = await protoTree({ 'notes.txt': '' });
    try {
      const r = await lint(empty);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'switchyard: no .proto files in . (SY_ERR_PROTO_NO_FILES)\n');
      const missing = await lint(empty, 'nope');
      assert.equal(missing.stderr, 'switchyard: nope does not exist (SY_ERR_FILE_NOT_FOUND)\n');
    } finally {
      await empty.remove();
    }
  });
});

describe('proto lint configuration', () => {
  test('switchyard.proto.yaml: use, except, ignore and ignore_only', async () => {
    const r = await lintFresh({
      'acme/shop/v1/item.proto': DIRTY,
      'acme/shop/v1/legacy.proto': proto3('acme.shop.v1', 'message Old {\n  string oldName = 1;\n}'),
      'switchyard.proto.yaml': [
        'lint:',
        '  use: [STANDARD]',
        '  except: [ENUM_ZERO_VALUE_SUFFIX]',
        '  ignore: [acme/shop/v1/legacy.proto]',
        '  ignore_only:',
        '    FIELD_LOWER_SNAKE_CASE: [acme/shop]',
        '',
      ].join('\n'),
    });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  });

  test("buf.yaml's lint section is honoured, with buf's rule options", async () => {
    const r = await lintFresh({
      'acme/shop/v1/item.proto': proto3('acme.shop.v1', 'enum Kind {\n  KIND_NONE = 0;\n}\nservice Shop {}'),
      'buf.yaml': 'version: v2\nlint:\n  enum_zero_value_suffix: _NONE\n  service_suffix: Shop\n',
    });
    assert.deepEqual([r.code, r.stdout], [0, '']);
  });

  test('an unknown rule in the configuration is one line, exit 1', async () => {
    const r = await lintFresh({ 'a/v1/a.proto': proto3('a.v1', 'message A {}'), 'buf.yaml': 'version: v2\nlint:\n  use: [NOT_A_RULE]\n' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'switchyard: unknown lint rule or category "NOT_A_RULE" (SY_ERR_PROTO_LINT_CONFIG)\n');
  });

  test('// buf:lint:ignore on an element or an enclosing element silences that rule only', async () => {
    const r = await lintFresh({
      'a/v1/a.proto': proto3(
        'a.v1',
        [
          'message A {',
          '  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE',
          '  string fieldOne = 1;',
          '  string fieldTwo = 2;',
          '}',
          '// buf:lint:ignore FIELD_LOWER_SNAKE_CASE',
          'message B {',
          '  string fieldThree = 1;',
          '  string FieldFour = 2;',
          '}',
        ].join('\n'),
      ),
    });
    assert.equal(r.code, 100);
    // Only fieldTwo (line 9): fieldOne is ignored on itself, FieldFour through message B.
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(':')[1]), ['9']);
  });
});
