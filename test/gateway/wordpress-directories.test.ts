// Debian's WordPress behind the gateway and behind nginx with the configuration WordPress is
// usually given (`try_files $uri $uri/ /index.php?$query_string`, `index index.php`), the same
// tree and the same php-fpm pool. What broke: `/wp-admin` without its slash ran WordPress at
// `/wp-admin`, so the dashboard's relative links (`edit.php`) pointed to `/edit.php`. nginx
// answers such a directory with a 301 to the slash; the gateway must too, for every status here.
// There is no database (see the helper): pages stop in WordPress's database error, whose
// drop-in tells which script ran.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { httpRequest, type HttpResult } from '../helpers/http-request.js';
import { startNginxPhpSite, type Nginx } from '../helpers/nginx.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { copyWordPress, type WordPressCopy, type WordPressDbError } from '../helpers/wordpress.js';

let wp: WordPressCopy;
let fpm: PhpFpm;
let gw: TestGateway;
let nginx: Nginx;

before(async () => {
  wp = await copyWordPress();
  fpm = await startPhpFpm({ root: wp.root, children: 2 });
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  wordpress:
    type: fastcgi
    address: unix:${fpm.socketPath}
    root: ${wp.root}
    index: index.php
    scripts: [index.php, 'wp-*.php', xmlrpc.php, 'wp-admin/**.php']
    maxConnections: 2
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: wordpress
    static: true
`);
  nginx = await startNginxPhpSite(wp.root, fpm.socketPath);
});

after(async () => {
  await gw?.stop();
  await nginx?.stop();
  await fpm?.stop();
  if (wp !== undefined) await rm(wp.dir, { recursive: true, force: true });
});

/** The same GET to both; each Location with its server's own origin replaced by `<origin>`. */
async function both(path: string): Promise<{ ours: HttpResult; theirs: HttpResult; location: string | undefined }> {
  const ours = await httpRequest(gw.port, path);
  const theirs = await httpRequest(nginx.port, path);
  assert.equal(ours.status, theirs.status, `${path}: switchyard ${ours.status}, nginx ${theirs.status}`);
  const strip = (r: HttpResult, port: number) => r.headers.location?.replace(`http://127.0.0.1:${port}`, '<origin>');
  assert.equal(strip(ours, gw.port), strip(theirs, nginx.port), `Location for ${path}`);
  return { ours, theirs, location: strip(ours, gw.port) };
}

test("WordPress's directories without their slash are a 301 to the slash, query kept, as behind nginx", async () => {
  const table: [path: string, location: string][] = [
    ['/wp-admin', '<origin>/wp-admin/'],
    ['/wp-admin?orderby=title&order=asc', '<origin>/wp-admin/?orderby=title&order=asc'],
    ['/wp-admin/network', '<origin>/wp-admin/network/'],
    ['/wp-content/uploads', '<origin>/wp-content/uploads/'],
    ['/wp-content/uploads?ver=6.1', '<origin>/wp-content/uploads/?ver=6.1'],
    ['/wp-includes', '<origin>/wp-includes/'],
  ];
  for (const [path, expected] of table) {
    const { ours, location } = await both(path);
    assert.equal(ours.status, 301, path);
    assert.equal(location, expected, path);
  }
});

test("/wp-admin/ runs wp-admin/index.php, so the dashboard's relative links resolve under /wp-admin/", async () => {
  const first = await both('/wp-admin?paged=2');
  const target = new URL(String(first.ours.headers.location));
  const { ours, theirs } = await both(target.pathname + target.search);
  const report = ours.json<WordPressDbError>();
  assert.deepEqual(report, { scriptName: '/wp-admin/index.php', phpSelf: '/wp-admin/index.php', requestUri: '/wp-admin/?paged=2', admin: true });
  assert.deepEqual(report, theirs.json<WordPressDbError>());
  // A relative link on that page, as a browser resolves it.
  assert.equal(new URL('edit.php', target).pathname, '/wp-admin/edit.php');
});

test('a directory without an index is a 403 as behind nginx; only a path that names nothing reaches the front controller', async () => {
  for (const path of ['/wp-content/uploads/', '/wp-includes/', '/wp-admin/css/']) {
    const { ours } = await both(path);
    assert.equal(ours.status, 403, path);
    assert.equal(ours.json().code, 'SY_ERR_DIRECTORY_LISTING_FORBIDDEN', path);
  }
  const { ours, theirs } = await both('/2024/05/hello-world/?replytocom=3');
  assert.deepEqual(ours.json<WordPressDbError>(), theirs.json<WordPressDbError>());
  assert.equal(ours.json<WordPressDbError>().scriptName, '/index.php');
  assert.equal(ours.json<WordPressDbError>().admin, false);
});
