// A packaged, real PHP application behind the gateway: Debian's DokuWiki on php-fpm. A user
// reads a page, edits and saves it, and sees the change; assets and DokuWiki's own entry points
// work; its internal PHP files can neither run nor be read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { copyDokuWiki, type DokuWikiCopy } from '../helpers/dokuwiki.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let wiki: DokuWikiCopy;
let fpm: PhpFpm;
let gw: TestGateway;
let cookie = '';

before(async () => {
  wiki = await copyDokuWiki();
  fpm = await startPhpFpm({ root: wiki.root, children: 4 });
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  wiki:
    type: fastcgi
    address: unix:${fpm.socketPath}
    root: ${wiki.root}
    index: doku.php
    scripts: [doku.php, index.php, feed.php, 'lib/exe/*.php']
    maxConnections: 4
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: wiki
    static: true
`);
});

after(async () => {
  await gw?.stop();
  await fpm?.stop();
  await rm(wiki.dir, { recursive: true, force: true });
});

/** A browser-like fetch that keeps DokuWiki's session cookie. */
async function browse(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${gw.url}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0] ?? '';
    if (pair.startsWith('DokuWiki=')) cookie = pair;
  }
  return res;
}

function hiddenInputs(html: string, formId: string): Record<string, string> {
  const form = new RegExp(`<form id="${formId}"[\\s\\S]*?</form>`).exec(html)?.[0] ?? assert.fail(`no form #${formId}`);
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1] as string] = (m[2] as string).replace(/&amp;/g, '&');
  return fields;
}

test('the start page renders through the gateway', async () => {
  const res = await browse('/doku.php?id=start');
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<title>start \[Switchyard test wiki\]<\/title>/);
  assert.ok(cookie.startsWith('DokuWiki='), 'the session cookie is passed on');
});

test('edit a page, save it, and read the change back', async () => {
  const page = 'playground:switchyard';
  const text = `====== Moved by Switchyard ======\nSaved at ${Date.now()} through the gateway.`;
  const edit = await browse(`/doku.php?id=${page}&do=edit`);
  assert.equal(edit.status, 200);
  const fields = hiddenInputs(await edit.text(), 'dw__editform');
  const form = new URLSearchParams({ ...fields, wikitext: text, summary: 'switchyard test', 'do[save]': '1' });
  const saved = await browse(`/doku.php?id=${page}&do=edit`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(saved.status, 302, 'DokuWiki redirects after a save (302, as behind nginx: PHP-FPM sends Location without Status)');
  assert.match(saved.headers.get('location') ?? '', /playground:switchyard/);
  const view = await browse(`/doku.php?id=${page}`);
  const html = await view.text();
  assert.match(html, /<h1[^>]*>Moved by Switchyard<\/h1>/);
  assert.match(html, /through the gateway\./);
  const raw = await browse(`/doku.php?id=${page}&do=export_raw`);
  assert.equal(await raw.text(), text, 'the stored wiki text is exactly what was posted');
});

test("DokuWiki's assets and its lib/exe entry points work", async () => {
  const logo = await browse('/lib/tpl/dokuwiki/images/logo.png');
  assert.equal(logo.status, 200);
  assert.equal(logo.headers.get('content-type'), 'image/png');
  assert.ok(logo.headers.get('etag'));
  const css = await browse('/lib/exe/css.php?t=dokuwiki');
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type') ?? '', /text\/css/);
});

test('internal PHP files never run and their source is never served', async () => {
  for (const path of ['/inc/init.php', '/inc/preload.php', '/install.php', '/vendor/autoload.php']) {
    const res = await browse(path);
    const body = await res.text();
    assert.ok(res.status === 403 || res.status === 404, `${path} answered ${res.status}`);
    assert.doesNotMatch(body, /<\?php/, `${path} source leaked`);
  }
});
