// Shadow traffic on a real gateway: the baseline is a PHP script under real php-fpm (its answers
// carry a fresh timestamp and request id each time), the targets are node servers in this test
// answering the same items in their own way. What each route's copies find is read from
// GET /admin/shadow, as an operator would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import type { ShadowRouteView, ShadowView } from '../../../src/delivery/shadow/shadow-view.js';

// The PHP application: one front controller answering /anything/{id} with the item.
const INDEX_PHP = `<?php
header('Content-Type: application/json');
$id = (int) basename(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
echo json_encode([
  'id' => $id,
  'name' => "item $id",
  'price' => 10 * $id,
  'tags' => ['red', 'green', 'blue'],
  'user' => ['email' => "user$id@example.test", 'name' => "User $id"],
  'generatedAt' => sprintf('%.6f', microtime(true)),
  'requestId' => bin2hex(random_bytes(8)),
]);
`;

/** The same item as the PHP application, keys in another order, with its own clock and id. */
function item(id: number): Record<string, unknown> {
  return {
    requestId: randomBytes(8).toString('hex'),
    user: { name: `User ${id}`, email: `user${id}@example.test` },
    generatedAt: (Date.now() / 1000).toFixed(6),
    tags: ['red', 'green', 'blue'],
    price: 10 * id,
    name: `item ${id}`,
    id,
  };
}

let dir: string;
let fpm: PhpFpm;
let service: Server;
let broken: NetServer;
let gw: TestGateway;
let admin: string;
const held: ServerResponse[] = [];
const brokenSockets = new Set<Socket>();
let hangArrivals = 0;
/** Bodies of the copies that reached the target, by path. */
const bodies = new Map<string, string>();
let hugeCut = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-shadow-'));
  await writeFile(join(dir, 'index.php'), INDEX_PHP);
  fpm = await startPhpFpm({ root: dir, children: 4 });
  service = createServer(async (req, res) => {
    const [, kind = '', rawId = '0'] = (req.url ?? '/').split('?')[0]?.split('/') ?? [];
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (req.method === 'POST') bodies.set(req.url ?? '', body);
    const id = Number(rawId);
    res.setHeader('x-served-by', 'target');
    const json = (body: unknown) => res.setHeader('content-type', 'application/json').end(JSON.stringify(body, null, 2));
    switch (kind) {
      case 'noisy':
        return json(item(id));
      case 'wrong':
        // One response in twenty has the wrong price.
        return json(id % 20 === 0 ? { ...item(id), price: 10 * id + 1 } : item(id));
      case 'hang':
        hangArrivals++;
        held.push(res);
        return;
      case 'huge': {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        res.on('close', () => {
          if (!res.writableFinished) hugeCut++;
        });
        const more = () => {
          while (sent < 64 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        return more();
      }
      case 'garbage':
        return res.end(randomBytes(256));
      case 'tags':
      case 'tags-ordered':
        return json({ ...item(id), tags: ['blue', 'red', 'green'] });
      case 'posted':
        return json(item(id));
      case 'masked':
        return json({ ...item(id), user: { name: `User ${id}`, email: `someone-else${id}@example.test` } });
      default:
        res.statusCode = 404;
        return res.end();
    }
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  // Not HTTP at all: a line of text, then the connection closes.
  broken = createNetServer((socket) => {
    brokenSockets.add(socket);
    socket.on('close', () => brokenSockets.delete(socket));
    socket.on('error', () => {});
    socket.end('THIS IS NOT HTTP\r\n\r\n');
  });
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  const svc = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const route = (kind: string, shadow: string) => `  - get: /${kind}/{id}
    name: ${kind}
    to: legacy
    shadow: ${shadow}
`;
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin:
  listen: 127.0.0.1:0
upstreams:
  legacy: { type: fastcgi, address: 'unix:${fpm.socketPath}', root: '${dir}', maxConnections: 4 }
  service: { type: http, endpoints: ['${svc}'] }
  broken: { type: http, endpoints: ['http://127.0.0.1:${(broken.address() as AddressInfo).port}'], retry: { attempts: 1 } }
routes:
${route('noisy', '{ to: service }')}${route('wrong', '{ to: service }')}${route('hang', '{ to: service, timeout: 300ms }')}${route('huge', '{ to: service, maxBodySize: 64kb }')}${route('garbage', '{ to: service, compare: { headers: [Content-Type] } }')}${route('broken', '{ to: broken }')}${route('tags', '{ to: service, compare: { unordered: [/tags] } }')}${route('tags-ordered', '{ to: service }')}${route('masked', '{ to: service, compare: { mask: [/user/email] } }')}  - post: /posted/{id}
    name: posted
    to: legacy
    shadow: { to: service, methods: [POST], compare: { ignore: [/generatedAt, /requestId] } }
  - post: /unlisted/{id}
    name: unlisted
    to: legacy
    shadow: { to: service }
`);
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of held) res.destroy();
  for (const socket of brokenSockets) socket.destroy();
  await gw?.stop();
  await new Promise((resolve) => service?.close(resolve));
  await new Promise((resolve) => broken?.close(resolve));
  await fpm?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function shadowOf(route: string): Promise<ShadowRouteView> {
  const view = (await (await fetch(`${admin}/admin/shadow`)).json()) as ShadowView;
  const found = view.routes.find((r) => r.route === route);
  assert.ok(found, `no shadow report for ${route}`);
  return found;
}

/** Settled copies: compared, or given up for a reason. */
const settled = (r: ShadowRouteView) => r.compared + r.noData.timeout + r.noData.failed + r.noData.tooLarge + r.noData.overCapacity + r.noData.busy;

/** Sends GET /kind/1..n one after another; every answer must be the PHP application's. */
async function clients(kind: string, n: number, between?: (i: number) => Promise<void>): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const res = await httpRequest(gw.port, `/${kind}/${i}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-served-by'], undefined, 'the client is never answered by the target');
    assert.equal(res.headers['x-switchyard-canary'], '0', 'a shadowed route names the side that served');
    const body = res.json<{ id: number; name: string }>();
    assert.equal(body.id, i);
    assert.equal(body.name, `item ${i}`);
    await between?.(i);
  }
}

async function settledReport(route: string, n: number): Promise<ShadowRouteView> {
  let report: ShadowRouteView | undefined;
  assert.ok(await until(async () => settled((report = await shadowOf(route))) >= n, 20_000), `copies of ${route} did not settle: ${JSON.stringify(report)}`);
  return report as ShadowRouteView;
}

test('equal but noisy answers: mismatch rate 0, the timestamp and id reported as noise with no rule', async () => {
  await clients('noisy', 20);
  const report = await settledReport('noisy', 20);
  assert.equal(report.target, 'service');
  assert.equal(report.compared, 20);
  assert.equal(report.mismatched, 0);
  assert.equal(report.mismatchRate, 0);
  const fields = new Map(report.fields.map((f) => [f.pointer, f]));
  assert.deepEqual([...fields.keys()].sort(), ['/generatedAt', '/requestId']);
  for (const f of fields.values()) {
    assert.equal(f.mismatched, 0);
    assert.ok(f.noise > 0, `${f.pointer} is noise`);
  }
  assert.deepEqual(report.samples, []);
});

test('a wrong field on one response in twenty: that pointer mismatched, the rate 5%', async () => {
  await clients('wrong', 40);
  const report = await settledReport('wrong', 40);
  assert.equal(report.compared, 40);
  assert.equal(report.mismatched, 2);
  assert.equal(report.mismatchRate, 0.05);
  assert.deepEqual(report.fields[0], { pointer: '/price', mismatched: 2, noise: 0 });
  assert.ok(report.fields.filter((f) => f.pointer !== '/price').every((f) => f.mismatched === 0));
  assert.deepEqual(
    report.samples.map((s) => [s.path, s.differences]),
    [
      ['/wrong/20', [{ pointer: '/price', baseline: 200, target: 201 }]],
      ['/wrong/40', [{ pointer: '/price', baseline: 400, target: 401 }]],
    ],
  );
});

test('a target that hangs: clients are answered while it holds the copies, and a timeout is no data', async () => {
  // Each next request is sent only once the target holds the copy of the one before.
  await clients('hang', 5, async (i) => assert.ok(await until(() => hangArrivals >= i), 'the copy reached the target'));
  const report = await settledReport('hang', 5);
  assert.equal(report.noData.timeout, 5);
  assert.equal(report.compared, 0, 'a timeout is never a match');
  assert.equal(report.mismatched, 0);
});

test('a target sending a huge body is cut off at maxBodySize: no data, clients unaffected', async () => {
  await clients('huge', 3);
  const report = await settledReport('huge', 3);
  assert.equal(report.noData.tooLarge, 3);
  assert.equal(report.compared, 0);
  assert.ok(await until(() => hugeCut === 3), 'the target stopped being read');
});

test('a target answering garbage bytes is a mismatch of the whole body and its content-type; one not speaking HTTP is no data', async () => {
  await clients('garbage', 3);
  const garbage = await settledReport('garbage', 3);
  assert.equal(garbage.compared, 3);
  assert.equal(garbage.mismatched, 3);
  assert.deepEqual(
    garbage.fields.filter((f) => f.mismatched > 0).map((f) => [f.pointer, f.mismatched]),
    [
      ['', 3],
      ['header:content-type', 3],
    ],
    'the body, and the content-type PHP sent and the target did not',
  );
  await clients('broken', 3);
  const notHttp = await settledReport('broken', 3);
  assert.equal(notHttp.noData.failed, 3);
  assert.equal(notHttp.compared, 0);
});

test('an unordered array in another order is no mismatch; the same array compared in order is', async () => {
  await clients('tags', 5);
  const unordered = await settledReport('tags', 5);
  assert.equal(unordered.compared, 5);
  assert.equal(unordered.mismatched, 0);
  await clients('tags-ordered', 5);
  const ordered = await settledReport('tags-ordered', 5);
  assert.equal(ordered.mismatched, 5);
  assert.deepEqual(ordered.fields.filter((f) => f.mismatched > 0).map((f) => f.pointer), ['/tags/0', '/tags/1', '/tags/2']);
});

test('samples show compare.mask pointers as ***, and the masked values appear nowhere in the route\'s report', async () => {
  await clients('masked', 3);
  const report = await settledReport('masked', 3);
  assert.equal(report.mismatched, 3);
  assert.deepEqual(report.fields.find((f) => f.mismatched > 0)?.pointer, '/user/email');
  for (const s of report.samples) assert.deepEqual(s.differences, [{ pointer: '/user/email', baseline: '***', target: '***' }]);
  assert.doesNotMatch(JSON.stringify(await shadowOf('masked')), /example\.test/);
});

test('a POST is copied with its body only when methods lists it; it is never sent to the baseline twice', async () => {
  // First a POST to a route copying the default methods: by the time the later copies have
  // settled, a copy of it would have too.
  const unlistedPost = await httpRequest(gw.port, '/unlisted/1', { method: 'POST', body: 'n=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(unlistedPost.status, 200);
  for (let i = 1; i <= 3; i++) {
    const res = await httpRequest(gw.port, `/posted/${i}`, { method: 'POST', body: `n=${i}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.json<{ id: number }>().id, i);
  }
  const posted = await settledReport('posted', 3);
  assert.equal(posted.compared, 3);
  assert.equal(posted.mismatched, 0, 'the ignored clock and id are the only differences');
  assert.deepEqual(posted.fields, [], 'no second baseline sample, so no noise observed');
  assert.deepEqual([...bodies].filter(([path]) => path.startsWith('/posted/')).sort(), [
    ['/posted/1', 'n=1'],
    ['/posted/2', 'n=2'],
    ['/posted/3', 'n=3'],
  ]);
  const unlisted = await shadowOf('unlisted');
  assert.equal(settled(unlisted), 0, 'POST is not in the default methods');
  assert.equal(bodies.has('/unlisted/1'), false);
});
