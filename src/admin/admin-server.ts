/**
 * The admin listener (`admin.listen`): operational endpoints kept off the client port, as Envoy
 * keeps its admin interface apart. Everything under /admin/ needs `Authorization: Bearer <token>`
 * when `admin.token` is set (and a token is required to listen beyond loopback); /healthz is open
 * for probes.
 *   GET  /healthz        200 "ok" while the gateway serves
 *   POST /admin/reload   reload switchyard.yaml; 200 {"reloaded":true} or 422 with every problem
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { AdminConfig } from '../config/types.js';
import { SwitchyardError } from '../errors.js';
import { Exchange } from '../listener/exchange.js';
import { sendProblem } from '../listener/problem.js';
import { requestIdFrom } from '../listener/request-id.js';
import { listen } from '../listener/http-listener.js';

export type ReloadOutcome = { readonly reloaded: true } | { readonly reloaded: false; readonly problems: readonly string[] };

export interface AdminDeps {
  readonly reload: () => Promise<ReloadOutcome>;
  readonly log: Logger;
}

export async function startAdminServer(config: AdminConfig, deps: AdminDeps): Promise<Server> {
  const expected = config.token === undefined ? undefined : Buffer.from(`Bearer ${config.token}`);
  const server = createServer((req, res) => {
    const exchange = new Exchange(req, res, requestIdFrom(req.headers['x-request-id']), deps.log);
    route(exchange, expected, deps).catch((err: unknown) => sendProblem(exchange, err));
  });
  await listen(server, config.listen);
  return server;
}

async function route(exchange: Exchange, expected: Buffer | undefined, deps: AdminDeps): Promise<void> {
  const { req, res } = exchange;
  if (exchange.path === '/healthz') {
    json(res, 200, 'ok');
    return;
  }
  if (expected !== undefined && !authorized(req, expected)) {
    throw new SwitchyardError('SY_ERR_ADMIN_UNAUTHORIZED', 'send the admin token as Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer realm="switchyard-admin"' } });
  }
  if (exchange.path === '/admin/reload' && req.method === 'POST') {
    const outcome = await deps.reload();
    if (!outcome.reloaded) {
      throw new SwitchyardError('SY_ERR_RELOAD_REJECTED', outcome.problems.join('\n'));
    }
    json(res, 200, outcome);
    return;
  }
  throw new SwitchyardError('SY_ERR_ADMIN_NOT_FOUND', `no admin endpoint ${req.method} ${exchange.path}`);
}

function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? `${body}\n` : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
