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

/** The problem object of a failure, with grpc-gateway's members. */
export function failureProblem(f: TranscodeFailure, requestId: string): Record<string, unknown> {
  const status = statusOf(f);
  const chain: ChainLink[] = [...(f.chain ?? [])];
  if (f.fromService === true) chain.push({ source: 'grpc', code: codeName(f.grpcCode), status, detail: f.message, grpcCode: f.grpcCode, details: [...f.details] });
  const { type, title, detail, traceId, ...rest } = toProblem(new SwitchyardError(f.errorCode, f.message, { chain }), requestId);
  return { type, title, status, detail, code: f.grpcCode, message: f.message, details: f.details, errorCode: f.errorCode, requestId, ...(traceId === undefined ? {} : { traceId }), chain: rest.chain };
}

/** Answers the exchange with the failure; when the head is already out, cuts the response. */
export function sendFailure(exchange: Exchange, f: TranscodeFailure, extraHeaders: OutgoingHttpHeaders = {}): void {
  const res = exchange.res;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(failureProblem(f, exchange.id));
  const headers: OutgoingHttpHeaders = {
    ...extraHeaders,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (f.grpcCode === 16) headers['www-authenticate'] = f.message;
  exchange.writeHead(statusOf(f), headers);
  res.end(exchange.req.method === 'HEAD' ? undefined : body);
}
