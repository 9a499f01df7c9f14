/**
 * A real HTTP service on 127.0.0.1 port 0 whose behaviour a test switches at run time: answer
 * normally, answer 503, reset connections, hang without answering, die mid-response, or speak
 * broken HTTP. It counts what it received so a test can tell which endpoint served what.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Mode = 'ok' | '503' | 'reset' | 'hang' | 'die-mid-body' | 'malformed' | 'huge-header' | 'short-body';

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface Backend {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  mode: Mode;
  /** Status /healthz answers. */
  health: number;
  readonly seen: Seen[];
  /** Connections that have closed so far. */
  readonly closed: () => number;
  /** Requests seen, health probes excluded. */
  count(method?: string): number;
  close(): Promise<void>;
}

export async function startBackend(name: string): Promise<Backend> {
  const sockets = new Set<Socket>();
  let closed = 0;
  const seen: Seen[] = [];
  const backend = { name, mode: 'ok' as Mode, health: 200, seen } as Backend & { url: string; port: number };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/healthz') {
      res.writeHead(backend.health).end();
      return;
    }
    const chunks: Buffer[] = [];
    const mode = backend.mode;
    if (mode === 'reset') {
      // Read the body first, so a retry of this request would be a second delivery.
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        req.socket.destroy();
      });
      return;
    }
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const socket = req.socket;
      switch (mode) {
        case 'hang':
          return;
        case '503':
          res.writeHead(503, { 'content-type': 'text/plain', 'x-backend': name }).end('unavailable');
          return;
        case 'die-mid-body':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000', 'x-backend': name });
          res.write('partial');
          setImmediate(() => socket.destroy());
          return;
        case 'malformed':
          socket.end('HTTP/1.1 2x0 Nope\r\nfoo\r\n\r\n');
          return;
        case 'huge-header':
          socket.end(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(64 * 1024)}\r\ncontent-length: 0\r\n\r\n`);
          return;
        case 'short-body':
          socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly-this');
          return;
        default:
          res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name, 'set-cookie': ['a=1', 'b=2'] });
          res.end(JSON.stringify({ backend: name, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      closed++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(backend, {
    url: `http://127.0.0.1:${port}`,
    port,
    closed: () => closed,
    count: (method?: string) => seen.filter((s) => method === undefined || s.method === method).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return backend;
}

/** A loopback port nothing listens on (bound, then released). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
