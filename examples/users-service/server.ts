/**
 * The demo's "new service": the users API that is being moved out of the PHP app. A plain
 * node:http JSON service, so the demo shows one route served by TypeScript and the rest by PHP.
 *   GET /api/users/{id}  -> {"id":1,"name":"Ada Lovelace","servedBy":"users-service"}
 *   GET /healthz         -> ok
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const USERS = new Map<number, string>([
  [1, 'Ada Lovelace'],
  [2, 'Grace Hopper'],
  [3, 'Margaret Hamilton'],
]);

export async function startUsersService(port = 0, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://service');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const m = /^\/api\/users\/(\d+)$/.exec(url.pathname);
    const user = m === null ? undefined : USERS.get(Number(m[1]));
    if (m === null || user === undefined) {
      const body = JSON.stringify({ type: 'about:blank', title: 'not found', status: 404, detail: `no user at ${url.pathname}` });
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end(body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(m[1]), name: user, servedBy: 'users-service' }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${bound}` };
}
