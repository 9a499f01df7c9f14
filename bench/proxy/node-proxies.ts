/**
 * The Node proxies bench/proxy compares against, each run in a process of its own:
 *   node node-proxies.js http-proxy UPSTREAM_URL
 *   node node-proxies.js fastify UPSTREAM_URL
 *   node node-proxies.js tcp-relay UPSTREAM_URL WORKERS
 *   node node-proxies.js undici-floor UPSTREAM_URL WORKERS
 * Each listens on 127.0.0.1 port 0 and prints `listening PORT` on stdout. The HTTP proxies keep
 * upstream connections alive, as a production setup would.
 *
 * `tcp-relay` is not a product anyone runs: it copies bytes between each client connection and an
 * upstream connection of its own, with no HTTP parsing, no header rewriting and no routing, on
 * WORKERS node:cluster workers. It is the ceiling for any proxy written for Node: whatever an
 * HTTP proxy does per request comes on top of its cost.
 *
 * `undici-floor` is the least an HTTP proxy built on node:http and undici (Switchyard's stack) can
 * do: each request dispatched on an undici Pool as it came, the response head and body written
 * back as they are. No forwarding headers, hop-by-hop stripping, routing, limits or resilience;
 * it shows what the stack costs before any of Switchyard's own work.
 */
import cluster from 'node:cluster';
import { createServer, Agent } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Pool } from 'undici';

const [kind, upstream, workerArg] = process.argv.slice(2) as [string, string, string | undefined];

/** Forks `workers` cluster workers that share port 0; true in the primary, which then reports the port. */
function forkWorkers(workers: number): boolean {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  if (!cluster.isPrimary || workers < 2) return false;
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(`listening ${address.port}`);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  return true;
}

function reportPort(server: { address(): unknown }): void {
  if (!cluster.isWorker) console.log(`listening ${(server.address() as AddressInfo).port}`);
}

function tcpRelay(target: URL, workers: number): void {
  if (forkWorkers(workers)) return;
  const server = createTcpServer({ noDelay: true }, (client) => {
    const up = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    client.on('data', (chunk) => up.write(chunk));
    up.on('data', (chunk) => client.write(chunk));
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1', () => reportPort(server));
}

function undiciFloor(target: string, workers: number): void {
  if (forkWorkers(workers)) return;
  const pool = new Pool(target, { connections: 256 });
  const server = createServer((req, res) => {
    pool.dispatch(
      { method: req.method as string, path: req.url as string, headers: req.headers as Record<string, string>, body: req.method === 'GET' || req.method === 'HEAD' ? null : req },
      {
        // undici tells the handler API by this method's presence.
        onRequestStart: () => undefined,
        onResponseStart: (_controller, status, headers) => void res.writeHead(status, headers as Record<string, string>),
        onResponseData: (_controller, chunk) => void res.write(chunk),
        onResponseEnd: () => void res.end(),
        onResponseError: (_controller, error) => void res.destroy(error),
      },
    );
  });
  server.listen(0, '127.0.0.1', () => reportPort(server));
}

if (kind === 'tcp-relay') {
  tcpRelay(new URL(upstream), Number(workerArg ?? 1));
} else if (kind === 'undici-floor') {
  undiciFloor(upstream, Number(workerArg ?? 1));
} else if (kind === 'http-proxy') {
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
  console.error('usage: node-proxies.js http-proxy|fastify|tcp-relay|undici-floor UPSTREAM_URL [WORKERS]');
  process.exit(2);
}
