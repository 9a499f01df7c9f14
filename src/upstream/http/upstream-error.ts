/**
 * A socket, TLS or codec error from one attempt, as a catalogue error naming the upstream and the
 * endpoint, plus the kind of local failure the outlier detector and retry policy reason about.
 * Errors the connection raised itself (timeouts, resets) already are catalogue errors and keep
 * their code; the codec's refusals of a response get the upstream's name put in front.
 */
import { SwitchyardError, isSwitchyardError, type ErrorCode } from '../../errors.js';
import { Http1Error } from '../../listener/http1/http1-error.js';
import type { LocalFailure } from '../../cluster/outlier-detector.js';

export interface AttemptError {
  readonly error: SwitchyardError;
  readonly failure: LocalFailure;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
/** OpenSSL's certificate verdicts (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED...) and node's TLS errors. */
export const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT|SIGNATURE|UNABLE_TO_/;

/** The failure kind of the connection's own errors, by code. */
const FAILURE_OF: Partial<Record<ErrorCode, LocalFailure>> = {
  SY_ERR_UPSTREAM_CONNECT: 'connect',
  SY_ERR_UPSTREAM_CONNECT_TIMEOUT: 'connect',
  SY_ERR_UPSTREAM_TLS: 'connect',
  SY_ERR_UPSTREAM_TIMEOUT: 'timeout',
  SY_ERR_UPSTREAM_RESET: 'reset',
};

export function translateError(err: unknown, upstream: string, endpoint: string, connected: boolean): AttemptError {
  const where = `upstream ${upstream} (${endpoint})`;
  if (err instanceof Http1Error) {
    return { error: new SwitchyardError(err.code, `${where}: malformed http response (${err.message})`, { cause: err }), failure: 'protocol' };
  }
  if (isSwitchyardError(err)) return { error: err, failure: FAILURE_OF[err.code] ?? 'protocol' };
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (CONNECT_CODES.has(code) || (!connected && (code === 'ECONNRESET' || code === 'EPIPE'))) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_CONNECT', `${where}: ${code.toLowerCase()}`, { cause: err }), failure: 'connect' };
  }
  if (TLS_CODE.test(code)) {
    // The handshake failed: no request reached the endpoint, as with a refused connection.
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_TLS', `${where}: ${String(e.message ?? code).toLowerCase()} (${code})`, { cause: err }), failure: 'connect' };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${where}: connection closed before the response was complete (${code.toLowerCase()})`, { cause: err }), failure: 'reset' };
  }
  return { error: new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${where}: ${String(e.message ?? err).toLowerCase()}`, { cause: err }), failure: 'protocol' };
}
