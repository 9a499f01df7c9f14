// The shield in front of a real php-fpm over a document root full of tempting files: every attack
// of the corpus (sent as raw bytes) is answered by the shield and never reaches PHP (the scripts
// write a marker file named after the request id) nor leaks a secret; every benign look-alike is
// served. Then each category is turned off in turn: some attack of it must then get past the
// shield, so no family is dead weight hidden behind another.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { CATEGORIES, type ShieldCategory } from '../../src/shield/catalogue.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { parseRawResponse, rawRequest } from '../helpers/raw-http.js';
import { ATTACKS, BENIGN, type CorpusRequest } from './corpus.js';

const SECRET = 'SECRET-';

function docroot(markers: string): Record<string, string> {
  const mark = `<?php file_put_contents('${markers}/' . basename($_SERVER['HTTP_X_REQUEST_ID'] ?? 'none'), '1');`;
  const echo = `${mark} header('Content-Type: text/plain'); echo 'ECHO:', json_encode([$_GET, $_POST, $_COOKIE, array_map(fn ($f) => $f['name'], $_FILES), strlen(file_get_contents('php://input'))]);`;
  return {
    'index.php': echo,
    'echo.php': echo,
    'wp-admin/admin-ajax.php': echo,
    'phpinfo.php': `${mark} phpinfo();`,
    'vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php': `${mark} echo '${SECRET}eval-stdin';`,
    'uploads/shell.php': `${mark} echo '${SECRET}shell';`,
    'uploads/avatar.jpg': `GIF89a<?php ${mark.slice(6)} echo '${SECRET}avatar'; ?>`,
    '.env': `APP_KEY=${SECRET}env`,
    '.env.production': `APP_KEY=${SECRET}env-production`,
    '.git/config': `[remote "origin"] url = ${SECRET}git`,
    'composer.json': `{"name":"${SECRET}composer"}`,
    'composer.lock': `{"hash":"${SECRET}lock"}`,
    'backup.sql': `INSERT INTO users VALUES ('${SECRET}dump');`,
    'wp-config.php~': `define('DB_PASSWORD', '${SECRET}wp-config');`,
    '.well-known/security.txt': 'Contact: mailto:security@example.com',
    'assets/app.js': 'console.log(1);',
    'downloads/release-1.0.zip': 'PK',
    'static/readme.txt': 'static',
    'includes/db.inc': `<?php $password = '${SECRET}inc';`,
    'config.ini': `password=${SECRET}ini`,
    'storage/logs/laravel.log': `[error] ${SECRET}log`,
  };
}

function yaml(socket: string, root: string, shield: string): string {
  return `listen: 127.0.0.1:0
accessLog: off
${shield}
upstreams:
  app: { type: fastcgi, address: 'unix:${socket}', root: '${root}', scripts: ['**/*.php'], maxConnections: 4 }
routes:
  - any: /cms/{path?}
    where: { path: '.*' }
    to: app
    shield: { mode: log }
  - any: /{path?}
    where: { path: '.*' }
    to: app
    static: true
`;
}

let counter = 0;

async function send(gw: TestGateway, r: CorpusRequest): Promise<{ id: string; status: number; code: unknown; category: unknown; raw: string }> {
  const id = `corpus-${process.pid}-${++counter}`;
  const body = r.body ?? '';
  const headers = [...(r.headers ?? [])];
  const framed = headers.some((h) => /^(content-length|transfer-encoding):/i.test(h));
  if (body !== '' && !framed) headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const head = `${r.method ?? 'GET'} ${r.target} HTTP/1.1\r\nHost: app.test\r\nX-Request-Id: ${id}\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
  const raw = await rawRequest(gw.url, [Buffer.from(head + body, 'latin1')]);
  const res = parseRawResponse(raw);
  let problem: Record<string, unknown> = {};
  if ((res.headers['content-type'] ?? '').startsWith('application/problem+json')) problem = JSON.parse(res.body) as Record<string, unknown>;
  return { id, status: res.status, code: problem['code'], category: problem['category'], raw };
}

describe('shield attack corpus against php-fpm', () => {
  let dir: string;
  let fpm: PhpFpm;
  let gw: TestGateway;
  let markers: string;
  let root: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sy-shield-'));
    root = join(dir, 'public');
    markers = join(dir, 'markers');
    await mkdir(markers, { recursive: true });
    for (const [name, content] of Object.entries(docroot(markers))) {
      await mkdir(dirname(join(root, name)), { recursive: true });
      await writeFile(join(root, name), content);
    }
    fpm = await startPhpFpm({ root, children: 4 });
    gw = await startTestGateway(yaml(fpm.socketPath, root, ''));
  });
  after(async () => {
    await gw?.stop();
    await fpm?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const reachedPhp = (id: string) => existsSync(join(markers, id));

  for (const category of CATEGORIES) {
    test(`${category}: every attack is blocked before PHP and nothing leaks`, async () => {
      for (const attack of ATTACKS[category]) {
        const r = await send(gw, attack);
        const expected = r.code === 'SY_ERR_SHIELD_FRAMING' ? 400 : 403;
        assert.equal(r.status, expected, `${attack.name}: ${r.raw.slice(0, 400)}`);
        assert.match(String(r.code), /^SY_ERR_SHIELD_(BLOCKED|FRAMING)$/, attack.name);
        assert.equal(r.category, category, `${attack.name}: blocked as ${String(r.category)}`);
        assert.ok(!reachedPhp(r.id), `${attack.name} reached PHP`);
        assert.ok(!r.raw.includes(SECRET) && !r.raw.includes('ECHO:'), `${attack.name} leaked: ${r.raw.slice(0, 300)}`);
      }
    });
  }

  for (const [group, requests] of Object.entries(BENIGN)) {
    test(`benign ${group}: served`, async () => {
      for (const benign of requests) {
        const r = await send(gw, benign);
        assert.equal(r.status, 200, `${benign.name}: ${r.raw.slice(0, 400)}`);
        if (benign.target.includes('.php') || benign.target.startsWith('/cms/')) assert.ok(reachedPhp(r.id) && r.raw.includes('ECHO:'), `${benign.name} did not reach PHP`);
      }
    });
  }

  test('a block is audited: rule, category, matched part and request id in one log line', async () => {
    const r = await send(gw, { name: 'audit', target: '/echo.php?page=php://input' });
    const line = gw.logs().find((l) => (l['shield'] as { requestId?: string } | undefined)?.requestId === r.id);
    assert.deepEqual((line?.['shield'] as Record<string, unknown>) && { ...(line?.['shield'] as Record<string, unknown>), data: undefined }, {
      rule: 933140, category: 'stream-wrapper', paranoia: 1, action: 'block', part: 'ARGS:page', data: undefined, requestId: r.id,
    });
  });

  test('each category, turned off, lets some of its attacks past the shield', async (t) => {
    const through: Record<string, number> = {};
    try {
      for (const category of CATEGORIES) {
        await gw.reload(yaml(fpm.socketPath, root, `shield: { rules: { ${category}: off } }`));
        let passed = 0;
        let php = 0;
        for (const attack of ATTACKS[category as ShieldCategory]) {
          const r = await send(gw, attack);
          if (!String(r.code).startsWith('SY_ERR_SHIELD_') || r.category !== category) passed++;
          if (reachedPhp(r.id) || r.raw.includes(SECRET)) php++;
        }
        through[category] = php;
        assert.ok(passed > 0, `with ${category} off, every attack of it was still blocked as ${category}`);
      }
    } finally {
      await gw.reload(yaml(fpm.socketPath, root, ''));
    }
    // For the report: how many attacks of each category reached PHP or leaked a file once it was off.
    t.diagnostic(`attacks reaching PHP or leaking with their category off: ${JSON.stringify(through)}`);
  });
});
