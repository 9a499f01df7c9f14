// The README's CORS example: a route moved to a new service carries a cors filter, and a
// catch-all `any` route sends everything else to the legacy app. A browser's preflight for the
// moved route must be answered by that route's cors filter, not claimed by the catch-all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let users: Server;
let legacy: Server;
let gw: TestGateway;
/** Methods and paths the legacy app (the catch-all's upstream) was asked for. */
const legacySaw: string[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

before(async () => {
  const u = await serve((req, res) => res.end(JSON.stringify({ id: req.url?.split('/').pop() })));
  const l = await serve((req, res) => {
    legacySaw.push(`${req.method} ${req.url}`);
    res.setHeader('x-served-by', 'legacy');
    res.end('legacy');
  });
  users = u.server;
  legacy = l.server;
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
upstreams:
  users: { type: http, endpoints: [${u.url}] }
  legacy: { type: http, endpoints: [${l.url}] }
middleware:
  cors: { type: cors, origins: [https://app.example.com], credentials: true }
routes:
  - get: /api/users/{id}
    where: { id: '\\d+' }
    to: users
    name: users.show
    middleware: [cors]
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
`);
});

after(async () => {
  await gw?.stop();
  await new Promise((r) => users.close(r));
  await new Promise((r) => legacy.close(r));
});

const preflight = (path: string, origin: string, method = 'GET') =>
  fetch(`${gw.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method } });

test('a preflight for the moved route is answered by its cors filter, not sent to the legacy app', async () => {
  const res = await preflight('/api/users/7', 'https://app.example.com');
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
  assert.equal(res.headers.get('x-served-by'), null);
  assert.deepEqual(legacySaw, []);
  const get = await fetch(`${gw.url}/api/users/7`, { headers: { origin: 'https://app.example.com' } });
  assert.equal(get.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.deepEqual(await get.json(), { id: '7' });
});

test('an origin the moved route does not allow is refused there', async () => {
  const res = await preflight('/api/users/7', 'https://evil.example');
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as Record<string, unknown>)['code'], 'SY_ERR_CORS_REJECTED');
  assert.deepEqual(legacySaw, []);
});

test('a preflight for a path or method only the catch-all serves still reaches the legacy app', async () => {
  const other = await preflight('/wp-json/posts', 'https://app.example.com');
  assert.equal(other.headers.get('x-served-by'), 'legacy');
  // /api/users/{id} is GET only: a preflight asking for DELETE belongs to the catch-all.
  const del = await preflight('/api/users/7', 'https://app.example.com', 'DELETE');
  assert.equal(del.headers.get('x-served-by'), 'legacy');
  // Not a preflight (no Access-Control-Request-Method): an ordinary OPTIONS for the catch-all.
  const plain = await fetch(`${gw.url}/api/users/7`, { method: 'OPTIONS' });
  assert.equal(plain.headers.get('x-served-by'), 'legacy');
  assert.deepEqual(legacySaw, ['OPTIONS /wp-json/posts', 'OPTIONS /api/users/7', 'OPTIONS /api/users/7']);
});
