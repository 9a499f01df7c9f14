/**
 * An HTTP upstream for the plugin tests: answers every request 200 with JSON of the method, path
 * and headers it received, so a test sees exactly what the gateway forwarded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Echoed {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyLength: number;
}

export interface EchoServer {
  readonly url: string;
  readonly seen: Echoed[];
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const seen: Echoed[] = [];
  const server: Server = createServer((req, res) => {
    let bodyLength = 0;
    req.on('data', (c: Buffer) => (bodyLength += c.length));
    req.on('end', () => {
      const echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyLength };
      seen.push(echoed);
      const text = JSON.stringify(echoed);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
