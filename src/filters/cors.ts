/**
 * `type: cors`: the Fetch standard's CORS protocol at the edge. Preflights (OPTIONS with
 * Access-Control-Request-Method) are answered here with 204 and never reach the upstream; an
 * origin that is not allowed gets a 403 problem on preflight, and no CORS headers on other
 * requests (the browser then blocks the read). `Vary: Origin` whenever the answer depends on it.
 *
 *   middleware:
 *     cors: { type: cors, origins: [https://app.example.com], credentials: true, maxAge: 10m }
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { SwitchyardError } from '../errors.js';
import { parseDuration } from '../config/units.js';
import { sendProblem } from '../listener/problem.js';
import type { Filter, FilterFactory, FilterProblem } from './filter.js';
import { optionsChecker } from './options-check.js';

export interface CorsOptions {
  origins?: string[];
  methods?: string[];
  headers?: string[];
  exposeHeaders?: string[];
  credentials?: boolean;
  maxAge?: string | number;
}

const list = { type: 'array', items: { type: 'string', minLength: 1 } };
const schemaCheck = optionsChecker({
  properties: { origins: list, methods: list, headers: list, exposeHeaders: list, credentials: { type: 'boolean' }, maxAge: { type: ['string', 'number'] } },
});
const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export const corsFilter = {
  type: 'cors',
  check(options) {
    const problems: FilterProblem[] = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as CorsOptions;
    if (o.maxAge !== undefined && parseDuration(o.maxAge) === undefined) problems.push({ segments: ['maxAge'], message: 'must be a duration such as 10m' });
    // Fetch standard: `*` cannot be used with credentials.
    if (o.credentials === true && (o.origins ?? ['*']).includes('*')) problems.push({ segments: ['origins'], message: "'*' cannot be combined with credentials: true; list the origins" });
    (o.origins ?? []).forEach((origin, i) => {
      if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) problems.push({ segments: ['origins', i], message: `'${origin}' is not an origin (scheme://host[:port], no path)` });
    });
    return problems;
  },
  create(options): Filter {
    const origins = options.origins ?? ['*'];
    const anyOrigin = origins.includes('*');
    const allowed = new Set(origins);
    const methods = (options.methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase()).join(', ');
    const allowHeaders = options.headers?.join(', ');
    const expose = options.exposeHeaders?.join(', ');
    const maxAge = options.maxAge === undefined ? undefined : String(Math.floor((parseDuration(options.maxAge) ?? 0) / 1000));
    const credentials = options.credentials === true;

    const allowOriginValue = (origin: string): string | undefined => (anyOrigin && !credentials ? '*' : allowed.has(origin) || anyOrigin ? origin : undefined);

    return async (exchange, next) => {
      const origin = exchange.req.headers.origin;
      if (origin === undefined) return next();
      const allowOrigin = allowOriginValue(origin);
      const isPreflight = exchange.req.method === 'OPTIONS' && exchange.req.headers['access-control-request-method'] !== undefined;
      if (isPreflight) {
        if (allowOrigin === undefined) {
          sendProblem(exchange, new SwitchyardError('SY_ERR_CORS_REJECTED', `origin ${origin} is not allowed`));
          return;
        }
        const headers: OutgoingHttpHeaders = {
          'access-control-allow-origin': allowOrigin,
          'access-control-allow-methods': methods,
          // Without a configured list, reflect what the browser asks for (as @fastify/cors does).
          'access-control-allow-headers': allowHeaders ?? exchange.req.headers['access-control-request-headers'] ?? '',
          vary: 'Origin, Access-Control-Request-Headers',
          'content-length': '0',
        };
        if (credentials) headers['access-control-allow-credentials'] = 'true';
        if (maxAge !== undefined) headers['access-control-max-age'] = maxAge;
        exchange.writeHead(204, headers);
        exchange.res.end();
        return;
      }
      if (allowOrigin !== undefined) {
        exchange.onResponseHead((_status, headers) => {
          headers['access-control-allow-origin'] = allowOrigin;
          if (credentials) headers['access-control-allow-credentials'] = 'true';
          if (expose !== undefined) headers['access-control-expose-headers'] = expose;
          if (allowOrigin !== '*') headers['vary'] = headers['vary'] === undefined ? 'Origin' : `${String(headers['vary'])}, Origin`;
        });
      }
      await next();
    };
  },
} satisfies FilterFactory<CorsOptions>;
