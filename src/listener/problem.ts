/**
 * Writes errors as application/problem+json (RFC 9457) with Switchyard's members: `code`,
 * `requestId`, `traceId` and `chain` (the causes, outermost first, SPEC section 5). When the
 * response head is already out, the only honest signal left is to cut the connection.
 */
import type { Exchange } from './exchange.js';
import { SwitchyardError, isSwitchyardError, type ChainLink } from '../errors.js';
import { CHAIN_HEADER } from '../error-chain/header-codec.js';
import { chainHeaderOf, presentProblem } from '../error-chain/present.js';
import { causeLinks } from '../error-chain/cause-links.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  traceId?: string;
  chain: readonly ChainLink[];
  [member: string]: unknown;
}

const TYPE_BASE = 'https://switchyard.dev/errors/';

export function toProblem(err: SwitchyardError, requestId: string, traceId?: string): Problem {
  const problem: Problem = {
    ...err.members,
    type: TYPE_BASE + err.code,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    requestId,
    // No hop gave causes: a network failure's own error (connect refused, reset) is the one cause.
    chain: err.chain.length > 0 ? err.chain : causeLinks(err),
  };
  if (traceId !== undefined) problem.traceId = traceId;
  return problem;
}

/** Exchanges answered with the gateway's own problem: filters that look at upstream answers pass these by. */
const gatewayAnswers = new WeakSet<Exchange>();

export function isGatewayAnswer(exchange: Exchange): boolean {
  return gatewayAnswers.has(exchange);
}

/** Sends `err` to the client of `exchange`; unknown errors become SY_ERR_INTERNAL and are logged. */
export function sendProblem(exchange: Exchange, err: unknown): void {
  const error = isSwitchyardError(err) ? err : new SwitchyardError('SY_ERR_INTERNAL', 'unexpected failure while handling the request', { cause: err });
  if (!isSwitchyardError(err)) exchange.log.error({ err }, 'internal error');
  const res = exchange.res;
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  // The route's `errors:` map and exposure (docs/error-chains.md); the chain also goes as a header.
  const problem = presentProblem(toProblem(error, exchange.id), exchange.match?.route.errors);
  const body = JSON.stringify(problem);
  gatewayAnswers.add(exchange);
  exchange.writeHead(problem.status, {
    ...error.headers,
    'content-type': 'application/problem+json',
    [CHAIN_HEADER]: chainHeaderOf(problem),
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(exchange.req.method === 'HEAD' ? undefined : body);
}
