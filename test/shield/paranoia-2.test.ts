// Paranoia level 2 against a real php-fpm: every level-2 rule has an attack that level 1 lets
// through to PHP and level 2 blocks with that rule's id before PHP; the benign look-alikes are
// served at level 2 too. One gateway per level in front of the same pool and document root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../src/shield/catalogue.js';
import type { TestGateway } from '../helpers/start-gateway.js';
import { form, json, multipart, type CorpusRequest } from './corpus.js';
import { send, startPhpSite, type PhpSite } from './harness.js';

/** One attack per level-2 rule, each of a kind level 1 does not stop. */
const LEVEL_2: readonly (CorpusRequest & { readonly rule: number })[] = [
  { rule: 920451, name: 'X-Original-URL', target: '/echo.php', headers: ['X-Original-URL: /admin/users'] },
  { rule: 921422, name: 'second media type in the Content-Type', ...form('a=1'), headers: ['Content-Type: application/x-www-form-urlencoded; x=text/plain'], target: '/echo.php' },
  { rule: 921151, name: 'CR/LF in a query argument', target: '/echo.php?next=a%0d%0ab' },
  { rule: 920271, name: 'control character in a parameter', target: '/echo.php?q=a%01b' },
  { rule: 920230, name: 'double URL encoding', target: '/echo.php?q=%2541dmin' },
  { rule: 920121, name: 'apostrophe in an upload file name', ...multipart('file', "x'.jpg", 'JFIF'), target: '/echo.php' },
  { rule: 933111, name: 'PHP extension before the last one', ...multipart('file', 'shell.php.jpg', 'GIF89a'), target: '/echo.php' },
  { rule: 193113, name: 'server-side include upload', ...multipart('file', 'page.shtml', '<!--#exec cmd="id" -->'), target: '/echo.php' },
  { rule: 933150, name: 'high-risk function named without a call', target: '/echo.php?cb=base64_decode' },
  { rule: 933151, name: 'medium-risk function called', target: '/echo.php?x=php_uname()' },
  { rule: 933131, name: '$_SERVER entry by name', ...json('{"var":"HTTP_USER_AGENT"}'), target: '/echo.php' },
  { rule: 193120, name: 'php.ini directive without =', target: '/echo.php?args=-d+allow_url_include+-d+auto_prepend_file' },
  { rule: 930121, name: 'OS file in the User-Agent', target: '/echo.php', headers: ['User-Agent: () { :; }; /bin/cat /etc/passwd'] },
  { rule: 193110, name: 'value ending in a parent directory', target: '/echo.php?dir=images/..' },
];

/** Served at level 2 as well. */
const BENIGN_AT_2: readonly CorpusRequest[] = [
  { name: 'Laravel sort and a search', target: '/echo.php?sort=-created_at&q=red+shoes&page=2' },
  { name: 'percent in prose', target: '/echo.php?q=100%25+cotton%2C+50%25+off' },
  { name: 'a word that contains a function name', target: '/echo.php?q=systematic+evaluation+of+headers' },
  { name: 'relative path without a parent', target: '/echo.php?dir=images/2024' },
  { name: 'photo upload', ...multipart('file', 'holiday-2024.jpg', 'JFIF'), target: '/echo.php' },
  { name: 'JSON with a newline in a value', ...json('{"text":"line one\\nline two"}'), target: '/echo.php' },
  { name: 'form with charset', ...form('a=1&b=two+words'), headers: ['Content-Type: application/x-www-form-urlencoded; charset=UTF-8'], target: '/echo.php' },
  { name: 'browser headers', target: '/echo.php', headers: ['User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'Referer: https://app.test/products?page=2', 'Accept-Encoding: gzip, deflate, br'] },
];

describe('shield paranoia level 2 against php-fpm', () => {
  let site: PhpSite;
  let level1: TestGateway;
  let level2: TestGateway;

  before(async () => {
    site = await startPhpSite();
    level1 = await site.gateway('');
    level2 = await site.gateway('shield: { paranoia: 2 }');
  });
  after(async () => {
    await level1?.stop();
    await level2?.stop();
    await site?.stop();
  });

  test('every level-2 rule of the catalogue has an attack here', () => {
    const covered = new Set(LEVEL_2.map((a) => a.rule));
    const missing = RULES.filter((r) => r.paranoia === 2 && !covered.has(r.id)).map((r) => r.id);
    assert.deepEqual(missing, []);
  });

  for (const attack of LEVEL_2) {
    test(`${attack.rule} ${attack.name}: served at level 1, blocked before PHP at level 2`, async () => {
      const one = await send(level1, attack);
      assert.equal(one.status, 200, `level 1: ${one.raw.slice(0, 300)}`);
      assert.ok(site.reachedPhp(one.id), 'level 1 lets it reach PHP');
      const two = await send(level2, attack);
      assert.equal(two.status, 403, `level 2: ${two.raw.slice(0, 300)}`);
      assert.equal(two.rule, attack.rule, `blocked by ${String(two.rule)}`);
      assert.ok(!site.reachedPhp(two.id), 'level 2 stops it before PHP');
    });
  }

  test('benign look-alikes are served at level 2', async () => {
    for (const benign of BENIGN_AT_2) {
      const r = await send(level2, benign);
      assert.equal(r.status, 200, `${benign.name}: ${r.raw.slice(0, 300)}`);
      assert.ok(site.reachedPhp(r.id), `${benign.name} reached PHP`);
    }
  });
});
