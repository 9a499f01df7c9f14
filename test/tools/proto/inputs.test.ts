// What an input covers, as buf decides it: linked directories are followed, and --path or
// --exclude-path leaving nothing of the input to check is an error rather than a silent pass.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { bufOutput, lintBoth } from './buf-reference.js';
import { protoTree, proto3, type ProtoTree } from './proto-tree.js';

describe('proto inputs', () => {
  let tree: ProtoTree;
  before(async () => {
    tree = await protoTree({
      'mod/acme/v1/a.proto': proto3('acme.v1', 'message A {\n  string badName = 1;\n}'),
      'elsewhere/b/v1/b.proto': proto3('b.v1', 'message B {\n  string otherBad = 1;\n}'),
      'mod/buf.yaml': 'version: v2\n',
    });
    await symlink(join(tree.dir, 'elsewhere', 'b'), join(tree.dir, 'mod', 'b'), 'dir');
  });
  after(() => tree.remove());

  test('a linked directory inside the module is linted, as buf follows links', async () => {
    const { buf, ours } = await lintBoth(tree.dir, ['mod']);
    assert.deepEqual(ours, buf);
    assert.deepEqual(buf, ['FIELD_LOWER_SNAKE_CASE mod/acme/v1/a.proto:7:10', 'FIELD_LOWER_SNAKE_CASE mod/b/v1/b.proto:7:10']);
  });

  const empty: [string, string[]][] = [
    ['--path outside the input', ['--path', 'elsewhere']],
    ['--path naming nothing', ['--path', 'mod/acme/v9']],
    ['--exclude-path excluding everything', ['--exclude-path', 'mod/acme', '--exclude-path', 'mod/b']],
  ];
  for (const [name, flags] of empty) {
    test(`${name} is an error, exit 1 as buf's`, async () => {
      const r = await runCliCaptured(['proto', 'lint', 'mod', ...flags], { cwd: tree.dir });
      assert.deepEqual([r.code, r.stdout], [1, '']);
      assert.match(r.stderr, /^switchyard: no \.proto files of mod are left to check.+\(SY_ERR_PROTO_NO_FILES\)\n$/);
      assert.equal((await bufOutput(tree.dir, ['lint', 'mod', ...flags])).code, 1);
    });
  }

  test('files outside --path are not compiled, so a broken one does not stop the run, as with buf', async () => {
    await tree.write({ 'mod/scratch/broken.proto': 'this does not parse\n' });
    try {
      for (const flags of [['--path', 'mod/acme'], ['--exclude-path', 'mod/scratch']]) {
        const { buf, ours } = await lintBoth(tree.dir, ['mod', ...flags]);
        assert.deepEqual(ours, buf);
        assert.ok(buf.length > 0 && !buf.some((k) => k.startsWith('COMPILE')), flags.join(' '));
      }
    } finally {
      await rm(join(tree.dir, 'mod', 'scratch'), { recursive: true });
    }
  });

  test('in a workspace, --exclude-path in one module leaves the same import paths of another alone', async () => {
    const ws = await protoTree({
      'buf.yaml': 'version: v2\nmodules:\n  - path: proto\n  - path: vendor\n',
      'proto/acme/v1/a.proto': proto3('acme.v1', 'message A {\n  string badName = 1;\n}'),
      'vendor/acme/v2/e.proto': proto3('acme.v2', 'message E {\n  string badName = 1;\n}'),
    });
    try {
      const { buf, ours } = await lintBoth(ws.dir, ['.', '--exclude-path', 'vendor/acme']);
      assert.deepEqual(ours, buf);
      assert.deepEqual(buf, ['FIELD_LOWER_SNAKE_CASE proto/acme/v1/a.proto:7:10']);
    } finally {
      await ws.remove();
    }
  });

  test('a --path that names some files keeps working when another names none', async () => {
    const r = await runCliCaptured(['proto', 'lint', 'mod', '--path', 'mod/acme', '--path', 'elsewhere'], { cwd: tree.dir });
    assert.equal(r.code, 100);
    assert.match(r.stdout, /^mod\/acme\/v1\/a\.proto:7:10:/);
  });
});
