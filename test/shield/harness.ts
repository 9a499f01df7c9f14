/**
 * What the shield's end-to-end tests share: a document root full of tempting files whose scripts
 * leave a marker named after the request id (so a test knows whether PHP ran), a real php-fpm over
 * it, a gateway config in front, and a sender that writes a corpus request as raw bytes.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { parseRawResponse, rawRequest } from '../helpers/raw-http.js';
import type { CorpusRequest } from './corpus.js';

/** Every secret in the document root starts with this: a response holding it leaked a file. */
export const SECRET = 'SECRET-';

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

/** A gateway config: `/cms/...` in log mode (a CMS that accepts code), everything else to PHP or static files. */
export function gatewayYaml(socket: string, root: string, shield: string): string {
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

export interface PhpSite {
  readonly dir: string;
  readonly root: string;
  readonly fpm: PhpFpm;
  /** True when PHP ran for this request id. */
  reachedPhp(id: string): boolean;
  /** A gateway in front of this site with `shield` as its top-level shield setting. */
  gateway(shield: string): Promise<TestGateway>;
  stop(): Promise<void>;
}

export async function startPhpSite(): Promise<PhpSite> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-shield-'));
  const root = join(dir, 'public');
  const markers = join(dir, 'markers');
  await mkdir(markers, { recursive: true });
  for (const [name, content] of Object.entries(docroot(markers))) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
  const fpm = await startPhpFpm({ root, children: 4 });
  return {
    dir,
    root,
    fpm,
    reachedPhp: (id) => existsSync(join(markers, id)),
    gateway: (shield) => startTestGateway(gatewayYaml(fpm.socketPath, root, shield)),
    stop: async () => {
      await fpm.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  readonly id: string;
  readonly status: number;
  readonly code: unknown;
  readonly rule: unknown;
  readonly category: unknown;
  readonly raw: string;
}

let counter = 0;

/** Sends `r` as raw bytes (X-Request-Id, Connection: close and, unless it has one, Host added) and reads the answer. */
export async function send(gw: TestGateway, r: CorpusRequest): Promise<Answer> {
  const id = `corpus-${process.pid}-${++counter}`;
  const body = r.body ?? '';
  const headers = [...(r.headers ?? [])];
  const framed = headers.some((h) => /^(content-length|transfer-encoding):/i.test(h));
  if (body !== '' && !framed) headers.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  const host = headers.some((h) => /^host:/i.test(h)) ? '' : 'Host: app.test\r\n';
  const head = `${r.method ?? 'GET'} ${r.target} HTTP/1.1\r\n${host}X-Request-Id: ${id}\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
  const raw = await rawRequest(gw.url, [Buffer.from(head + body, 'latin1')]);
  const res = parseRawResponse(raw);
  let problem: Record<string, unknown> = {};
  if ((res.headers['content-type'] ?? '').startsWith('application/problem+json')) problem = JSON.parse(res.body) as Record<string, unknown>;
  return { id, status: res.status, code: problem['code'], rule: problem['rule'], category: problem['category'], raw };
}
