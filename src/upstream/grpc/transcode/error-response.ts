/**
 * The error body of a transcoded route: problem+json (SPEC section 5) that also keeps
 * grpc-gateway's google.rpc.Status members, so that a grpc-gateway client keeps working:
 *
 *     { "type": ".../SY_ERR_GRPC_STATUS", "title": ..., "status": 404, "detail": "no such book",
 *       "code": 5, "message": "no such book", "details": [{ "@type": ..., ... }],
 *       "errorCode": "SY_ERR_GRPC_STATUS", "requestId": ..., "chain": [{ "source": "grpc", ... }] }
 *
 * `code` is grpc-gateway's numeric gRPC code on these routes (SPEC: keep grpc-gateway's); the
 * catalogue code, which `code` carries everywhere else, is in `errorCode` and ends `type`. The
 * HTTP status is grpc-gateway's for the gRPC code (HTTPStatusFromCode); an UNAUTHENTICATED
 * answer carries `WWW-Authenticate` with the status message, as grpc-gateway sets it.
 *
 * The same object is the `error` of a streamed answer (`{"error": {...}}`), where grpc-gateway
 * puts its Status.
 */
import type { JsonValue } from '@bufbuild/protobuf';
import type { OutgoingHttpHeaders } from 'node:http';
import { SwitchyardError, type ChainLink, type ErrorCode } from '../../../errors.js';
import type { Exchange } from '../../../listener/exchange.js';
import { toProblem } from '../../../listener/problem.js';
import { CHAIN_HEADER } from '../../../error-chain/header-codec.js';
import { chainHeaderOf, presentProblem } from '../../../error-chain/present.js';
import { codeName, httpStatusFromCode } from './grpc-status.js';

export interface TranscodeFailure {
  /** The catalogue code (`errorCode`, and the end of `type`). */
  readonly errorCode: ErrorCode;
  /** The gRPC code grpc-gateway would report. */
  readonly grpcCode: number;
  readonly message: string;
  readonly details: readonly JsonValue[];
  /** The HTTP status; grpc-gateway's for `grpcCode` when absent. */
  readonly httpStatus?: number;
  /** Causes before the gRPC link (a transport failure's own chain). */
  readonly chain?: readonly ChainLink[];
  /** Set when the failure is a status the service sent: a `grpc` link is added to the chain. */
  readonly fromService?: boolean;
}

/** A failure raised while transcoding, before any call: always a gRPC-shaped client error. */
export class TranscodeError extends Error {
  override readonly name = 'TranscodeError';
  constructor(readonly failure: TranscodeFailure) {
    super(failure.message);
  }
}

export function failure(errorCode: ErrorCode, grpcCode: number, message: string): TranscodeError {
  return new TranscodeError({ errorCode, grpcCode, message, details: [] });
}

export function statusOf(f: TranscodeFailure): number {
  return f.httpStatus ?? httpStatusFromCode(f.grpcCode);
}

/**
 * The problem object of a failure, with grpc-gateway's members, as the route's `errors:` policy
 * presents it (docs/error-chains.md: a mapping rule may give it another status; `expose: public`
 * keeps the titles only, and grpc-gateway's `message` and `details` follow), and the
 * `X-Error-Chain` value that goes with it.
 */
export function failureProblem(f: TranscodeFailure, exchange: Exchange): { problem: Record<string, unknown>; status: number; chainHeader: string } {
  const status = statusOf(f);
  const chain: ChainLink[] = [...(f.chain ?? [])];
  if (f.fromService === true) chain.push({ source: 'grpc', code: codeName(f.grpcCode), status, detail: f.message, grpcCode: f.grpcCode, details: [...f.details] });
  const base = toProblem(new SwitchyardError(f.errorCode, f.message, { chain }), exchange.id);
  base.status = status;
  const policy = exchange.match?.route.errors;
  const p = presentProblem(base, policy);
  const publicOnly = policy?.expose === 'public';
  const problem = {
    type: p.type,
    title: p.title,
    status: p.status,
    detail: p.detail,
    code: f.grpcCode,
    message: publicOnly ? p.detail : f.message,
    details: publicOnly ? [] : f.details,
    errorCode: f.errorCode,
    requestId: exchange.id,
    ...(base.traceId === undefined ? {} : { traceId: base.traceId }),
    chain: p.chain,
  };
  return { problem, status: p.status, chainHeader: chainHeaderOf(p) };
}

/** Answers the exchange with the failure; when the head is already out, cuts the response. */
export function sendFailure(exchange: Exchange, f: TranscodeFailure, extraHeaders: OutgoingHttpHeaders = {}): void {
  const res = exchange.res;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { problem, status, chainHeader } = failureProblem(f, exchange);
  const body = JSON.stringify(problem);
  const headers: OutgoingHttpHeaders = {
    ...extraHeaders,
    'content-type': 'application/problem+json',
    [CHAIN_HEADER]: chainHeader,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (f.grpcCode === 16) headers['www-authenticate'] = f.message;
  exchange.writeHead(status, headers);
  res.end(exchange.req.method === 'HEAD' ? undefined : body);
}
