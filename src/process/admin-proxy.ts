/**
 * Admin endpoints the primary cannot answer from gathered views (metrics, heatmaps, dashboard...)
 * are forwarded to one worker's private admin listener, so every endpoint listed in
 * src/admin/endpoints.ts still answers on `admin.listen` with several workers; their numbers are
 * that worker's until the endpoint learns to aggregate. Same method, path, query, token and body.
 */
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { SwitchyardError } from '../errors.js';
import type { AdminEndpoint } from '../admin/endpoint.js';

export function forwardedEndpoint(endpoint: AdminEndpoint, target: () => string | undefined): AdminEndpoint {
  return {
    // Everything the endpoint declares (method, path, who may call it: open, tokenInQuery) holds
    // on the primary as on the worker; only the handling is replaced.
    ...endpoint,
    async handle(exchange) {
      const base = target();
      if (base === undefined) throw new SwitchyardError('SY_ERR_SHUTTING_DOWN', 'no worker is running to answer this admin endpoint');
      const { req, res } = exchange;
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'accept', 'content-type', 'content-length', 'if-none-match']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await request(`${base}${req.url ?? '/'}`, { method: req.method as 'GET', headers, body: req.method === 'POST' ? req : null, signal: exchange.signal });
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') out[name] = value;
      }
      res.writeHead(answer.statusCode, out);
      await pipeline(answer.body, res);
    },
  };
}
