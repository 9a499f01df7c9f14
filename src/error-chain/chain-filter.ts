/**
 * Error chains across hops (SPEC section 5), as a filter in front of an HTTP or FastCGI upstream:
 *
 * - a client's `X-Error-Chain` goes on to the upstream as given when it decodes, and is dropped
 *   with a log line when it does not (never echoed);
 * - an upstream's 5xx that explains itself — an `application/problem+json` body or an
 *   `X-Error-Chain` header — becomes the gateway's own problem (`SY_ERR_UPSTREAM_ERROR`, the
 *   upstream's status kept) whose chain ends with the upstream's causes; any other 5xx body
 *   (an HTML error page) passes as it is;
 * - an `X-Error-Chain` on any other answer passes on checked, and as `errors.expose` allows.
 */
import type { Filter } from '../filters/filter.js';
import { captureResponse, dropField, headField, type HeadFields, type HeldResponse } from '../filters/response-capture.js';
import type { Exchange } from '../listener/exchange.js';
import { isGatewayAnswer, sendProblem } from '../listener/problem.js';
import { SwitchyardError, type ChainLink } from '../errors.js';
import { CHAIN_HEADER, checkLinks, decodeChain, encodeChain } from './header-codec.js';
import { exposedChain } from './present.js';

/** An upstream's error body read at most (larger 5xx bodies pass as they are). */
export const ERROR_BODY_LIMIT = 64 * 1024;

const PROBLEM_JSON = /^application\/problem\+json\b/i;

/** `source` names the hop in the links made from the upstream's answer: `php`, `http`. */
export function createChainFilter(source: string): Filter {
  return async (exchange, next) => {
    checkRequestChain(exchange);
    const capture = captureResponse(exchange, {
      limit: ERROR_BODY_LIMIT,
      hold: (status, headers) => {
        if (isGatewayAnswer(exchange)) return false;
        const header = headField(headers, CHAIN_HEADER);
        if (status >= 500 && (header !== undefined || PROBLEM_JSON.test(headField(headers, 'content-type') ?? ''))) return true;
        if (header !== undefined) passChainOn(exchange, headers, header);
        return false;
      },
      release: (held) => replaceUpstreamError(exchange, held, source),
      overflow: (status, headers) => {
        const header = headField(headers, CHAIN_HEADER);
        if (header !== undefined) passChainOn(exchange, headers, header);
        exchange.log.info({ status, limit: ERROR_BODY_LIMIT }, 'upstream error body over the limit passed on as it is');
      },
    });
    try {
      await next();
    } finally {
      capture.stop();
    }
  };
}

/** A client's header: kept when it decodes, else dropped before any upstream sees it. */
/**
 * For routes whose upstream answers are not read here (grpc: the transcoder builds its own
 * chain): only a client's malformed header is dropped before it reaches the upstream.
 */
export const requestChainFilter: Filter = async (exchange, next) => {
  checkRequestChain(exchange);
  return next();
};

function checkRequestChain(exchange: Exchange): void {
  const headers = exchange.req.headers;
  const value = headers[CHAIN_HEADER];
  if (value === undefined) return;
  const decoded = decodeChain(value);
  if ('links' in decoded) return;
  delete (headers as Record<string, unknown>)[CHAIN_HEADER];
  exchange.log.warn({ reason: decoded.malformed, from: 'client' }, 'malformed x-error-chain dropped');
}

/** A header on an answer passed on: checked, and reduced when the route exposes errors publicly. */
function passChainOn(exchange: Exchange, headers: HeadFields, value: string): void {
  const decoded = decodeChain(value);
  if ('malformed' in decoded) {
    dropField(headers, CHAIN_HEADER);
    exchange.log.warn({ reason: decoded.malformed, from: 'upstream' }, 'malformed x-error-chain dropped');
    return;
  }
  const policy = exchange.match?.route.errors;
  if (policy?.expose !== 'public') return;
  dropField(headers, CHAIN_HEADER);
  const encoded = encodeChain(exposedChain(decoded.links, policy));
  if (Array.isArray(headers)) headers.push(CHAIN_HEADER, encoded);
  else headers[CHAIN_HEADER] = encoded;
}

/** The upstream's causes, from its header or else its problem body; none when it gave no usable one. */
export function upstreamCauses(held: HeldResponse, source: string, log: Exchange['log']): ChainLink[] {
  const header = headField(held.headers, CHAIN_HEADER);
  if (header !== undefined) {
    const decoded = decodeChain(header);
    if ('links' in decoded && decoded.links.length > 0) return decoded.links;
    if ('malformed' in decoded) log.warn({ reason: decoded.malformed, from: 'upstream' }, 'malformed x-error-chain dropped');
  }
  if (!PROBLEM_JSON.test(headField(held.headers, 'content-type') ?? '')) return [];
  let problem: unknown;
  try {
    problem = JSON.parse(held.body.toString('utf8'));
  } catch {
    return [];
  }
  if (problem === null || typeof problem !== 'object' || Array.isArray(problem)) return [];
  const { chain, ...own } = problem as Record<string, unknown>;
  const first = checkLinks([{ source, status: held.status, ...own }]);
  if ('malformed' in first) return [];
  const rest = chain === undefined ? { links: [] } : checkLinks(chain);
  if ('malformed' in rest) log.warn({ reason: rest.malformed, from: 'upstream' }, 'malformed chain in an upstream problem body dropped');
  return [...first.links, ...('links' in rest ? rest.links : [])];
}

function replaceUpstreamError(exchange: Exchange, held: HeldResponse, source: string): boolean {
  const causes = upstreamCauses(held, source, exchange.log);
  if (causes.length === 0) {
    // Nothing to add: the answer goes as it came, less a header that did not decode.
    dropField(held.headers, CHAIN_HEADER);
    return false;
  }
  const retryAfter = headField(held.headers, 'retry-after');
  const upstream = exchange.match?.route.to ?? 'upstream';
  sendProblem(
    exchange,
    new SwitchyardError('SY_ERR_UPSTREAM_ERROR', `upstream ${upstream} answered ${held.status}`, {
      status: held.status,
      chain: causes,
      ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }),
    }),
  );
  return true;
}
