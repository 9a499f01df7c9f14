/**
 * The Node proxies bench/proxy compares against, each run in a process of its own:
 *   node node-proxies.js http-proxy UPSTREAM_URL
 *   node node-proxies.js fastify UPSTREAM_URL
 * Each listens on 127.0.0.1 port 0 and prints `listening PORT` on stdout. Both keep upstream
 * connections alive, as a production setup would.
 */
import { createServer, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';

const [kind, upstream] = process.argv.slice(2) as [string, string];

if (kind === 'http-proxy') {
  const { default: httpProxy } = await import('http-proxy');
  const proxy = httpProxy.createProxyServer({ target: upstream, agent: new Agent({ keepAlive: true, maxSockets: 256 }), xfwd: true });
  proxy.on('error', (_err, _req, res) => {
    if ('writeHead' in res && !res.headersSent) res.writeHead(502);
    res.end();
  });
  const server = createServer((req, res) => proxy.web(req, res));
  server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
} else if (kind === 'fastify') {
  const { default: Fastify } = await import('fastify');
  const { default: proxy } = await import('@fastify/http-proxy');
  const app = Fastify({ logger: false });
  await app.register(proxy, { upstream });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`listening ${new URL(address).port}`);
} else {
  console.error('usage: node-proxies.js http-proxy|fastify UPSTREAM_URL');
  process.exit(2);
}
