// URL path to static file or allowlisted script, without php-fpm: the table of what runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptResolver, decodePath } from '../../../src/upstream/fastcgi/script-resolver.js';
import { compileGlob } from '../../../src/upstream/fastcgi/glob.js';

let root: string;
let resolver: ScriptResolver;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchyard-resolver-'));
  for (const dir of ['admin', 'uploads', 'blog', 'a b', 'q?d']) await mkdir(join(root, dir));
  for (const file of ['index.php', 'wp-login.php', 'admin/index.php', 'admin/tools.php', 'uploads/a.jpg', 'blog/post.html']) await writeFile(join(root, file), '');
  resolver = new ScriptResolver({ upstream: 'legacy', root, index: 'index.php', scripts: ['index.php', 'wp-login.php', 'admin/*.php'] });
});
after(() => rm(root, { recursive: true, force: true }));

test('what each path resolves to', () => {
  const table: [path: string, tryStatic: boolean, expected: string][] = [
    ['/', true, 'script /index.php path_info= uri=/index.php'],
    ['/users/1', true, 'script /index.php path_info= uri=/index.php'],
    ['/users/1', false, 'script /index.php path_info= uri=/index.php'],
    ['/uploads/a.jpg', true, 'static uploads/a.jpg'],
    ['/uploads/a.jpg', false, 'script /index.php path_info= uri=/index.php'],
    ['/blog/post.html', true, 'static blog/post.html'],
    ['/wp-login.php', true, 'script /wp-login.php path_info= uri=/wp-login.php'],
    ['/index.php/a/b', true, 'script /index.php path_info=/a/b uri=/index.php/a/b'],
    ['/admin/', true, 'script /admin/index.php path_info= uri=/admin/index.php'],
    ['/admin/tools.php/x', true, 'script /admin/tools.php path_info=/x uri=/admin/tools.php/x'],
    ['//index.php', true, 'script /index.php path_info= uri=/index.php'],
    // A directory without its slash redirects to it (nginx's 301), encoded and normalised.
    ['/admin', true, 'redirect /admin/'],
    ['/uploads', true, 'redirect /uploads/'],
    ['/x/../admin', true, 'redirect /admin/'],
    ['/a%20b', true, 'redirect /a%20b/'],
    ['/q%3Fd', true, 'redirect /q%3Fd/'],
    ['/admin/x/..', true, 'script /admin/index.php path_info= uri=/admin/index.php'],
    ['/admin', false, 'script /index.php path_info= uri=/index.php'],
    ['/uploads/', false, 'script /index.php path_info= uri=/index.php'],
  ];
  for (const [path, tryStatic, expected] of table) {
    const r = resolver.resolve(path, tryStatic);
    const got =
      r.kind === 'static'
        ? `static ${r.file.slice(root.length + 1)}`
        : r.kind === 'directory-redirect'
          ? `redirect ${r.path}`
          : `script ${r.scriptName} path_info=${r.pathInfo} uri=${r.documentUri}`;
    assert.equal(got, expected, path);
  }
});

test('refusals', () => {
  const table: [path: string, code: string][] = [
    ['/uploads/a.jpg/x.php', 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/admin/sub/deep.php', 'SY_ERR_FASTCGI_SCRIPT_FORBIDDEN'],
    ['/admin/missing.php', 'SY_ERR_NOT_FOUND'],
    ['/a%00.php', 'SY_ERR_FORBIDDEN_PATH'],
    ['/..', 'SY_ERR_FORBIDDEN_PATH'],
    ['/%E0%A4%A', 'SY_ERR_BAD_REQUEST'],
    // A directory with no index to run or serve: nginx's 403 with autoindex off.
    ['/uploads/', 'SY_ERR_DIRECTORY_LISTING_FORBIDDEN'],
    ['/blog/', 'SY_ERR_DIRECTORY_LISTING_FORBIDDEN'],
  ];
  for (const [path, code] of table) {
    assert.throws(() => resolver.resolve(path, true), (err: { code?: string }) => err.code === code, path);
  }
});

test('decodePath normalises as nginx does', () => {
  assert.equal(decodePath('/a//b/./c/../d'), '/a/b/d');
  assert.equal(decodePath('/a%20b/'), '/a b/');
  assert.equal(decodePath('/a/..'), '/');
  assert.equal(decodePath('/a/b/..'), '/a/', 'a final dot segment names a directory');
  assert.equal(decodePath('/a/.'), '/a/');
});

test('globs: * stays in a segment, ** crosses them', () => {
  assert.ok(compileGlob('admin/*.php').test('admin/x.php'));
  assert.ok(!compileGlob('admin/*.php').test('admin/a/x.php'));
  assert.ok(compileGlob('**/*.php').test('x.php'));
  assert.ok(compileGlob('**/*.php').test('a/b/x.php'));
  assert.ok(!compileGlob('index.php').test('indexXphp'));
  assert.ok(compileGlob('wp-?.php').test('wp-a.php'));
});
