/**
 * `type: http` upstreams on undici pools: keep-alive connections per endpoint, request and
 * response bodies streamed both ways, endpoints taken in weighted round robin. Connect failures
 * and malformed responses become 502/504 problems naming the upstream.
 */
import { pipeline } from 'node:stream/promises';
import { Pool, errors as undiciErrors } from 'undici';
import type { Logger } from 'pino';
import type { HttpUpstreamConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';
import type { Upstream } from '../upstream.js';
import { addForwardingHeaders, endToEndHeaders } from './hop-by-hop.js';

export function createHttpUpstream(config: HttpUpstreamConfig, log: Logger): Upstream {
  const rotation: Pool[] = [];
  const pools: Pool[] = [];
  for (const endpoint of config.endpoints) {
    const pool = new Pool(endpoint.url, { connections: 128, pipelining: 1, connectTimeout: 5_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
    pools.push(pool);
    for (let i = 0; i < endpoint.weight; i++) rotation.push(pool);
  }
  let next = 0;

  return {
    name: config.name,
    type: 'http',
    async handle(exchange: Exchange) {
      exchange.upstream = config.name;
      const pool = rotation[next++ % rotation.length] as Pool;
      const { req } = exchange;
      const headers = endToEndHeaders(req.headers);
      addForwardingHeaders(headers, { address: exchange.remoteAddress, proto: 'http', host: req.headers.host });
      headers['x-request-id'] = exchange.id;
      const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
      let response;
      try {
        response = await pool.request({
          method: req.method as 'GET',
          path: req.url ?? '/',
          headers,
          body: hasBody ? req : null,
          signal: exchange.signal,
        });
      } catch (err) {
        throw translate(err, config.name);
      }
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(endToEndHeaders(response.headers))) if (value !== undefined) out[name] = value;
      exchange.writeHead(response.statusCode, out);
      try {
        await pipeline(response.body, exchange.res);
      } catch (err) {
        log.warn({ err, reqId: exchange.id }, 'upstream response body failed');
        exchange.res.destroy();
      }
    },
    async close() {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

function translate(err: unknown, upstream: string): SwitchyardError {
  const cause = err as NodeJS.ErrnoException;
  if (err instanceof undiciErrors.ConnectTimeoutError) return new SwitchyardError('SY_ERR_UPSTREAM_CONNECT_TIMEOUT', `upstream ${upstream}: connect timed out`, { cause: err });
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) return new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `upstream ${upstream}: no response in time`, { cause: err });
  if (cause.code === 'ECONNREFUSED' || cause.code === 'ENOTFOUND' || cause.code === 'EHOSTUNREACH') return new SwitchyardError('SY_ERR_UPSTREAM_CONNECT', `upstream ${upstream}: ${cause.code}`, { cause: err });
  if (err instanceof undiciErrors.SocketError || cause.code === 'ECONNRESET') return new SwitchyardError('SY_ERR_UPSTREAM_RESET', `upstream ${upstream}: connection closed before the response`, { cause: err });
  return new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `upstream ${upstream}: ${cause.message ?? String(err)}`.toLowerCase(), { cause: err });
}
