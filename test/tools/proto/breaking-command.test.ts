// `switchyard proto breaking` end to end: against git references, directories and descriptor
// sets, buf's exit codes, and one precise line for every bad --against.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bufBinary } from '../../../src/proto/buf-binary.js';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { gitRepo, type GitRepo } from './git-repo.js';
import { proto3 } from './proto-tree.js';

const V1 = proto3('acme.shop.v1', 'message Item {\n  string item_id = 1;\n  int32 count = 2;\n}', ['google/protobuf/timestamp.proto']);
const V2_SAFE = proto3('acme.shop.v1', 'message Item {\n  string item_id = 1;\n  int32 count = 2;\n  string note = 3;\n}', ['google/protobuf/timestamp.proto']);
const V3_BREAKING = proto3('acme.shop.v1', 'message Item {\n  string item_id = 1;\n  int64 count = 2;\n}');

describe('proto breaking command', () => {
  let repo: GitRepo;
  before(async () => {
    repo = await gitRepo({ 'proto/acme/shop/v1/item.proto': V1 });
    assert.equal((await repo.commit('v1')).code, 0);
    await repo.git('tag', 'v1');
    await repo.write({ 'proto/acme/shop/v1/item.proto': V2_SAFE });
    assert.equal((await repo.commit('v2')).code, 0);
  });
  after(() => repo.remove());

  test('a safe change against HEAD~1 exits 0', async () => {
    const r = await runCliCaptured(['proto', 'breaking', 'proto', '--against', 'HEAD~1'], { cwd: repo.dir });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  });

  test('a type change against a tag exits 100 and points at the new type', async () => {
    await repo.write({ 'proto/acme/shop/v1/item.proto': V3_BREAKING });
    const r = await runCliCaptured(['proto', 'breaking', 'proto', '--against', 'v1'], { cwd: repo.dir });
    assert.equal(r.code, 100);
    // The import of timestamp.proto went away too: buf counts imported files unless --exclude-imports.
    assert.deepEqual(r.stdout.trim().split('\n'), [
      '<input>:1:1:Previously present file "google/protobuf/timestamp.proto" was deleted.',
      'proto/acme/shop/v1/item.proto:8:3:Field "2" with name "count" on message "Item" changed type from "int32" to "int64".',
    ]);
    const excluded = await runCliCaptured(['proto', 'breaking', 'proto', '--against', 'v1', '--exclude-imports', '--error-format', 'json'], { cwd: repo.dir });
    assert.equal(excluded.code, 100);
    const findings = excluded.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; start_line: number });
    assert.deepEqual(findings.map((f) => [f.type, f.start_line]), [['FIELD_SAME_TYPE', 8]]);
    await repo.write({ 'proto/acme/shop/v1/item.proto': V2_SAFE });
  });

  test("buf's .git#branch=...,subdir=... form works too", async () => {
    const r = await runCliCaptured(['proto', 'breaking', 'proto', '--against', '.git#branch=main,subdir=proto'], { cwd: repo.dir });
    assert.deepEqual([r.code, r.stderr], [0, '']);
  });

  test('against a directory and against descriptor sets on both sides', async () => {
    await repo.write({ 'old/acme/shop/v1/item.proto': V2_SAFE.replace('  string note = 3;\n', '  string note = 3;\n  string gone = 4;\n') });
    const dir = await runCliCaptured(['proto', 'breaking', 'proto', '--against', 'old'], { cwd: repo.dir });
    assert.equal(dir.code, 100);
    assert.match(dir.stdout, /^proto\/acme\/shop\/v1\/item\.proto:7:1:Previously present field "4" with name "gone" on message "Item" was deleted\.$/m);
    // Images as protoc --include_imports --include_source_info -o would write them.
    execFileSync(bufBinary(), ['build', 'old', '--as-file-descriptor-set', '-o', 'before.binpb'], { cwd: repo.dir });
    execFileSync(bufBinary(), ['build', 'proto', '--as-file-descriptor-set', '-o', 'after.binpb'], { cwd: repo.dir });
    const images = await runCliCaptured(['proto', 'breaking', 'after.binpb', '--against', 'before.binpb', '--exclude-imports'], { cwd: repo.dir });
    assert.equal(images.code, 100);
    assert.match(images.stdout, /^acme\/shop\/v1\/item\.proto:7:1:Previously present field "4"/m);
  });

  test('a --against that is neither a directory, an image nor a git ref is one line, exit 1', async () => {
    const r = await runCliCaptured(['proto', 'breaking', 'proto', '--against', 'no-such-branch'], { cwd: repo.dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^switchyard: git reference "no-such-branch" does not exist in .+ \(SY_ERR_PROTO_GIT_REF\)\n$/);
  });

  test('--against is required', async () => {
    const r = await runCliCaptured(['proto', 'breaking', 'proto'], { cwd: repo.dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--against/);
  });
});
