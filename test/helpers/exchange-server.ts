/**
 * A minimal gateway for testing one upstream without the real listener: a node:http server on
 * port 0 (or a given address) that wraps each request in an Exchange, sets the route match the
 * test asks for, calls the handler, and answers a thrown error with problem+json exactly as the
 * listener does (sendProblem).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HttpMethod, RouteConfig } from '../../src/config/types.js';
import { Exchange } from '../../src/listener/exchange.js';
import { sendProblem } from '../../src/listener/problem.js';
import { captureLog } from './capture-log.js';

export interface ExchangeServerOptions {
  /** Anything with the Upstream `handle` method. */
  readonly handler: { handle(exchange: Exchange): Promise<void> };
  /** Fields of the matched route; the rest get test defaults (any method, 100 MB bodies). */
  readonly route?: Partial<RouteConfig>;
  readonly params?: Record<string, string>;
  /** Log destination; by default lines are captured into `lines`. */
  readonly log?: Logger;
}

export interface ExchangeServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Captured log lines (when no `log` was given). */
  readonly lines: Record<string, unknown>[];
  close(): Promise<void>;
}

const ALL_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function testRoute(overrides: Partial<RouteConfig> = {}): RouteConfig {
  return {
    methods: ALL_METHODS,
    path: '/{path?}',
    where: { path: '.*' },
    name: undefined,
    to: 'test',
    middleware: [],
    static: false,
    bodySize: 100 * 1024 * 1024,
    at: ['routes', 0],
    ...overrides,
  };
}

export async function startExchangeServer(options: ExchangeServerOptions): Promise<ExchangeServer> {
  const captured = captureLog();
  const log = options.log ?? captured.logger;
  const route = testRoute(options.route);
  const server = createServer((req, res) => {
    const exchange = new Exchange(req, res, randomUUID(), log);
    exchange.match = { route, params: options.params ?? {} };
    options.handler.handle(exchange).catch((err: unknown) => sendProblem(exchange, err));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    lines: captured.lines,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
