// buf workspaces (a v2 buf.yaml listing modules, or buf.work.yaml): modules import each other,
// each is linted with its own configuration, and the results agree with buf run on the same tree.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { join } from 'node:path';
import { lintBoth, runBuf } from './buf-reference.js';
import { protoTree, proto3, type ProtoTree } from './proto-tree.js';

const WORKSPACE = [
  'version: v2',
  'modules:',
  '  - path: proto',
  '    lint:',
  '      use: [STANDARD]',
  '      ignore: [proto/acme/v1/skip.proto]',
  '  - path: vendor',
  'lint:',
  '  use: [MINIMAL]',
  'breaking:',
  '  use: [WIRE]',
  '',
].join('\n');

const files = (variant: 'before' | 'after'): Record<string, string> => ({
  'buf.yaml': WORKSPACE,
  'proto/acme/v1/a.proto': proto3('acme.v1', 'message A {\n  ext.v1.E e = 1;\n  string badName = 2;\n}', ['ext/v1/e.proto']),
  'proto/acme/v1/skip.proto': proto3('acme.v1', 'message Skip {\n  string badName = 1;\n}'),
  'vendor/ext/v1/e.proto': proto3('ext.v1', variant === 'before' ? 'message E {\n  string badName = 1;\n  int32 n = 2;\n}' : 'message E {\n  string badName = 1;\n  string n = 2;\n}'),
});

describe('buf workspaces', () => {
  let current: ProtoTree;
  let previous: ProtoTree;
  before(async () => {
    current = await protoTree(files('after'));
    previous = await protoTree(files('before'));
  });
  after(async () => {
    await current.remove();
    await previous.remove();
  });

  test('lint: cross-module imports compile, per-module config applies, same findings as buf', async () => {
    const ours = await runCliCaptured(['proto', 'lint', '--error-format', 'json'], { cwd: current.dir });
    assert.equal(ours.stderr, '');
    const mine = ours.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; path: string; start_line: number });
    const theirs = await runBuf(['lint'], current.dir);
    const key = (f: { type: string; path?: string; start_line: number }): string => `${f.type} in ${f.path}:${f.start_line}`;
    assert.deepEqual(mine.map(key).sort(), theirs.map(key).sort());
    // proto/ uses its own STANDARD list minus the ignored file; vendor/ the top-level MINIMAL.
    assert.deepEqual(mine.map(key), ['FIELD_LOWER_SNAKE_CASE in proto/acme/v1/a.proto:9']);
  });

  test('lint of one module of the workspace imports from its sibling modules, as buf does', async () => {
    // From the workspace root, and from inside the module (buf looks upward for the workspace).
    for (const [cwd, input] of [[current.dir, 'proto'], [join(current.dir, 'proto'), '.']] as const) {
      const { buf, ours } = await lintBoth(cwd, [input]);
      assert.deepEqual(ours, buf, `${input} from ${cwd}`);
      assert.equal(buf.length, 1);
    }
  });

  test('a directory inside a module is refused, as buf refuses it: the module is named and --path narrows', async () => {
    const r = await runCliCaptured(['proto', 'lint', 'proto/acme'], { cwd: current.dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^switchyard: proto\/acme is inside the module proto of the workspace .+--path proto\/acme \(SY_ERR_CLI_USAGE\)\n$/);
    const narrowed = await runCliCaptured(['proto', 'lint', 'proto', '--path', 'proto/acme'], { cwd: current.dir });
    assert.equal(narrowed.code, 100);
  });

  test('lint of one file inside a workspace module', async () => {
    const r = await runCliCaptured(['proto', 'lint', 'proto/acme/v1/a.proto'], { cwd: current.dir });
    assert.equal(r.code, 100);
    assert.match(r.stdout, /^proto\/acme\/v1\/a\.proto:9:10:Field name "badName"/);
  });

  test('breaking: the workspace configuration selects the category, same findings as buf', async () => {
    const ours = await runCliCaptured(['proto', 'breaking', '--against', previous.dir, '--error-format', 'json'], { cwd: current.dir });
    assert.equal(ours.code, 100, ours.stderr);
    const mine = ours.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; path: string; start_line: number });
    const theirs = await runBuf(['breaking', '--against', previous.dir], current.dir);
    const key = (f: { type: string; path?: string; start_line: number }): string => `${f.type} in ${f.path}:${f.start_line}`;
    assert.deepEqual(mine.map(key).sort(), theirs.map(key).sort());
    assert.deepEqual(mine.map((f) => f.type), ['FIELD_WIRE_COMPATIBLE_TYPE']);
  });
});
