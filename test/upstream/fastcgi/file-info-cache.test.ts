// The resolver's memory of the file system, as nginx's open_file_cache: scripts and misses are
// trusted for `valid` ms (no stat per request), a change is seen once that has passed, and a
// static file is always statted again because its size goes into Content-Length.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileInfoCache } from '../../../src/upstream/fastcgi/file-info-cache.js';
import { ScriptResolver } from '../../../src/upstream/fastcgi/script-resolver.js';

let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchyard-file-cache-'));
  await writeFile(join(root, 'index.php'), '');
});
after(() => rm(root, { recursive: true, force: true }));

const VALID = 150;

function resolver(valid = VALID): ScriptResolver {
  return new ScriptResolver({ upstream: 'legacy', root, index: 'index.php', scripts: ['*.php'], fileCache: { max: 64, valid } });
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

test('a deployed script is a 404 until the cached miss expires, then runs', async () => {
  const r = resolver();
  assert.equal(code(() => r.resolve('/new.php', false)), 'SY_ERR_NOT_FOUND');
  await writeFile(join(root, 'new.php'), '');
  // Remembered, as open_file_cache_errors remembers a miss: no stat until it expires.
  assert.equal(code(() => r.resolve('/new.php', false)), 'SY_ERR_NOT_FOUND');
  await sleep(VALID + 50);
  assert.equal(code(() => r.resolve('/new.php', false)), undefined);
});

test('a removed script still resolves within the validity, and is a 404 after it', async () => {
  await writeFile(join(root, 'old.php'), '');
  const r = resolver();
  assert.equal(code(() => r.resolve('/old.php', false)), undefined);
  await unlink(join(root, 'old.php'));
  assert.equal(code(() => r.resolve('/old.php', false)), undefined);
  await sleep(VALID + 50);
  assert.equal(code(() => r.resolve('/old.php', false)), 'SY_ERR_NOT_FOUND');
});

test('valid: 0 asks the file system every time', async () => {
  const r = resolver(0);
  assert.equal(code(() => r.resolve('/now.php', false)), 'SY_ERR_NOT_FOUND');
  await writeFile(join(root, 'now.php'), '');
  assert.equal(code(() => r.resolve('/now.php', false)), undefined);
});

test('a static file rewritten within the validity is served with its new size', async () => {
  await writeFile(join(root, 'data.txt'), 'short');
  const r = resolver(60_000);
  const first = r.resolve('/data.txt', true);
  assert.equal(first.kind === 'static' && first.stats.size, 5);
  await writeFile(join(root, 'data.txt'), 'a good deal longer');
  const second = r.resolve('/data.txt', true);
  assert.equal(second.kind === 'static' && second.stats.size, 18, 'Content-Length must come from a fresh stat');
});

test('a static file that disappears within the validity falls back to the front controller', async () => {
  await writeFile(join(root, 'gone.txt'), 'x');
  const r = resolver(60_000);
  assert.equal(r.resolve('/gone.txt', true).kind, 'static');
  await unlink(join(root, 'gone.txt'));
  const next = r.resolve('/gone.txt', true);
  assert.equal(next.kind === 'script' && next.scriptName, '/index.php');
});

test('the cache holds at most max entries, dropping the oldest', async () => {
  const cache = new FileInfoCache({ max: 2, valid: 60_000 });
  for (const name of ['a', 'b', 'c']) cache.stat(join(root, name));
  assert.equal(cache.size, 2);
  // The oldest ("a") was dropped: a file created there is seen at once.
  await writeFile(join(root, 'a'), 'now here');
  assert.equal(cache.stat(join(root, 'a'))?.size, 8);
  // "c" is still remembered as missing.
  await writeFile(join(root, 'c'), 'x');
  assert.equal(cache.stat(join(root, 'c')), undefined);
});
