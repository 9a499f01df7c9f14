// The pre-commit hook installed by `switchyard proto hook install`, driven by real `git commit`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { gitRepo, type GitRepo } from './git-repo.js';
import { proto3 } from './proto-tree.js';

const GOOD = proto3('acme.shop.v1', 'message Item {\n  string item_id = 1;\n  int32 count = 2;\n}');

describe('proto pre-commit hook', () => {
  let repo: GitRepo;
  before(async () => {
    repo = await gitRepo({ 'README.md': 'shop\n' });
    assert.equal((await repo.commit('start')).code, 0);
    const r = await runCliCaptured(['proto', 'hook', 'install', 'proto'], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pre-commit/);
  });
  after(() => repo.remove());

  test('lets a clean first version of a new module through (nothing at HEAD to break)', async () => {
    await repo.write({ 'proto/acme/shop/v1/item.proto': GOOD });
    const r = await repo.commit('add item');
    assert.equal(r.code, 0, r.output);
  });

  test('stops a commit whose staged proto breaks a lint rule, naming the line', async () => {
    await repo.write({ 'proto/acme/shop/v1/item.proto': GOOD.replace('int32 count = 2;', 'int32 count = 2;\n  string itemNote = 3;') });
    const r = await repo.commit('lint problem');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /acme\/shop\/v1\/item\.proto:9:10:Field name "itemNote"/);
  });

  test('stops a commit that breaks the wire format against HEAD', async () => {
    await repo.write({ 'proto/acme/shop/v1/item.proto': GOOD.replace('int32 count = 2;', 'string count = 2;') });
    const r = await repo.commit('breaking change');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /acme\/shop\/v1\/item\.proto:\d+:\d+:Field "2" with name "count" on message "Item" changed type from "int32" to "string"\./);
  });

  test('a commit that touches no proto goes through', async () => {
    await repo.write({ 'proto/acme/shop/v1/item.proto': GOOD, 'README.md': 'shop, updated\n' });
    const r = await repo.commit('docs');
    assert.equal(r.code, 0, r.output);
  });

  test('refuses to overwrite a hook it did not write, unless --force', async () => {
    const other = await gitRepo({ 'a/v1/a.proto': proto3('a.v1', 'message A {}') });
    try {
      const hookPath = join(other.dir, '.git', 'hooks', 'pre-commit');
      await writeFile(hookPath, '#!/bin/sh\nexit 0\n');
      const r = await runCliCaptured(['proto', 'hook', 'install'], { cwd: other.dir });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /already exists .*--force.*\(SY_ERR_PROTO_HOOK\)/);
      const forced = await runCliCaptured(['proto', 'hook', 'install', '--force'], { cwd: other.dir });
      assert.equal(forced.code, 0);
      assert.match(await readFile(hookPath, 'utf8'), /switchyard/);
    } finally {
      await other.remove();
    }
  });

  test('outside a git repository it is one line, exit 1', async () => {
    const r = await runCliCaptured(['proto', 'hook', 'install', '/'], { cwd: '/' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not inside a git repository \(SY_ERR_PROTO_HOOK\)/);
  });
});
