/**
 * A real HTTP service on 127.0.0.1 port 0 that fails the ways services do: a problem+json 5xx
 * with its own chain, a 5xx explained only by an X-Error-Chain header, an HTML error page, a
 * malformed header (/profile/7 as /chain, for PHP to call); /echo answers with the headers it received.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ErrorService {
  readonly url: string;
  close(): Promise<void>;
}

export const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

export const SERVICE_CHAIN = [
  { source: 'go', type: 'https://errors.example/not-found', title: 'no rows', status: 404, code: 'sql.ErrNoRows', detail: 'users: no row with id 7', file: '/srv/users.go', line: 88 },
  { source: 'mysql', detail: 'empty result set' },
];

/** /flaky answers 503 to every other call, across all services started here (two endpoints of one upstream). */
let flakyCalls = 0;

export async function startErrorService(): Promise<ErrorService> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').replace(/^\/(svc|public)/, '');
    switch (path) {
      case '/problem':
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '5' });
        res.end(JSON.stringify({ type: 'https://errors.example/db-down', title: 'database unavailable', status: 503, detail: 'primary at 10.0.0.5:3306 refused', code: 'DB_DOWN', chain: [{ source: 'mysql', detail: 'connect ECONNREFUSED 10.0.0.5:3306' }] }));
        return;
      case '/chain':
      case '/profile/7':
        res.writeHead(500, { 'content-type': 'text/plain', 'x-error-chain': b64json(SERVICE_CHAIN) });
        res.end('internal error');
        return;
      case '/html':
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>bad gateway</h1>');
        return;
      case '/bad-chain':
        res.writeHead(500, { 'content-type': 'text/plain', 'x-error-chain': 'not!base64' });
        res.end('oops');
        return;
      case '/not-found':
        res.writeHead(404, { 'content-type': 'application/json', 'x-error-chain': b64json(SERVICE_CHAIN) });
        res.end('{"error":"not found"}');
        return;
      case '/big-problem':
        // Over the 64 KiB the gateway reads of an error body, with a header that does not decode.
        res.writeHead(500, { 'content-type': 'application/problem+json', 'x-error-chain': '!!' });
        res.end(JSON.stringify({ title: 'big', detail: 'x'.repeat(100 * 1024) }));
        return;
      case '/flaky':
        if (++flakyCalls % 2 === 1) {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('busy');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ headers: req.headers }));
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ headers: req.headers }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
