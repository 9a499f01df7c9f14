/**
 * The admin listener (`admin.listen`): operational endpoints kept off the client port, as Envoy
 * keeps its admin interface apart. Each endpoint is an AdminEndpoint in its own module, listed in
 * `endpoints.ts`. Everything except the endpoints marked `open` needs
 * `Authorization: Bearer <token>` when a token is set (one is required to listen beyond loopback).
 * Two scopes: read (GET and HEAD) and write (POST: reload, rollout actions, sensor events).
 * `admin.token` holds both; `admin.tokens` gives a read token, which a POST answers with 403
 * rather than 401 (the caller is known, the scope is missing), and a write token, which reads too.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { AdminConfig } from '../config/types.js';
import { SwitchyardError } from '../errors.js';
import { Exchange } from '../listener/exchange.js';
import { sendProblem } from '../listener/problem.js';
import { requestIdFrom } from '../listener/request-id.js';
import { listen } from '../listener/http-listener.js';
import { groupBy } from '../group-by.js';
import type { AdminContext, AdminEndpoint } from './endpoint.js';

export async function startAdminServer(config: AdminConfig, endpoints: readonly AdminEndpoint[], context: AdminContext, log: Logger): Promise<Server> {
  const write = config.token === undefined ? undefined : Buffer.from(`Bearer ${config.token}`);
  const read = config.readToken === undefined ? undefined : Buffer.from(`Bearer ${config.readToken}`);
  const byPath = groupBy(endpoints, (e) => e.path);
  const server = createServer((req, res) => {
    const exchange = new Exchange(req, res, requestIdFrom(req.headers['x-request-id']), log);
    // `/admin/x/*` endpoints take every path below /admin/x/ (the route in /admin/rollouts/{route}/pause).
    const candidates = byPath.get(exchange.path) ?? byPath.get(`${exchange.path.slice(0, exchange.path.indexOf('/', '/admin/'.length) + 1)}*`);
    const endpoint = candidates?.find((e) => e.method === req.method || (e.method === 'GET' && req.method === 'HEAD'));
    const run = async () => {
      if (candidates === undefined) throw new SwitchyardError('SY_ERR_ADMIN_NOT_FOUND', `no admin endpoint ${exchange.path}`);
      if (endpoint === undefined) {
        throw new SwitchyardError('SY_ERR_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${exchange.path}`, { headers: { allow: candidates.map((e) => e.method).join(', ') } });
      }
      if (endpoint.open !== true && (write !== undefined || read !== undefined)) {
        const given = presented(req, endpoint.tokenInQuery === true ? exchange.query : undefined);
        const writes = write !== undefined && same(given, write);
        const reads = read !== undefined && same(given, read);
        if (!writes && !reads) {
          const how = endpoint.tokenInQuery === true ? `open ${exchange.path}?token=<admin token>, or send it` : 'send the admin token';
          throw new SwitchyardError('SY_ERR_ADMIN_UNAUTHORIZED', `${how} as Authorization: Bearer <token>`, { headers: { 'www-authenticate': 'Bearer realm="switchyard-admin"' } });
        }
        if (!writes && endpoint.method !== 'GET') throw new SwitchyardError('SY_ERR_ADMIN_FORBIDDEN', `${endpoint.method} ${exchange.path} needs the write token (admin.tokens.write); this is the read token`);
      }
      await endpoint.handle(exchange, context);
    };
    run().catch((err: unknown) => sendProblem(exchange, err));
  });
  await listen(server, config.listen, true);
  return server;
}

/** The `Authorization` header as given, or `?token=` as `Bearer <token>` where the endpoint allows it. */
function presented(req: IncomingMessage, query: string | undefined): Buffer {
  const fromQuery = query === undefined || req.headers.authorization !== undefined ? null : new URLSearchParams(query).get('token');
  return Buffer.from(fromQuery === null ? (req.headers.authorization ?? '') : `Bearer ${fromQuery}`);
}

/** Constant-time comparison of what was presented with one configured token. */
function same(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
