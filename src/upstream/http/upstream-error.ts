/**
 * An undici or socket error from one attempt, as a catalogue error naming the upstream and the
 * endpoint, plus the kind of local failure the outlier detector and retry policy reason about.
 */
import { errors as undiciErrors } from 'undici';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import type { LocalFailure } from '../../cluster/outlier-detector.js';

export interface AttemptError {
  readonly error: SwitchyardError;
  readonly failure: LocalFailure;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
/** OpenSSL's certificate verdicts (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED...) and node's TLS errors. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT|SIGNATURE|UNABLE_TO_/;

export function translateError(err: unknown, upstream: string, endpoint: string, connected: boolean): AttemptError {
  const where = `upstream ${upstream} (${endpoint})`;
  if (isSwitchyardError(err)) return { error: err, failure: err.code === 'SY_ERR_UPSTREAM_TIMEOUT' ? 'timeout' : 'protocol' };
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_CONNECT_TIMEOUT', `${where}: connect timed out`, { cause: err }), failure: 'connect' };
  }
  if (CONNECT_CODES.has(code) || (!connected && (code === 'ECONNRESET' || code === 'EPIPE'))) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_CONNECT', `${where}: ${code.toLowerCase()}`, { cause: err }), failure: 'connect' };
  }
  if (TLS_CODE.test(code)) {
    // The handshake failed: no request reached the endpoint, as with a refused connection.
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_TLS', `${where}: ${String(e.message ?? code).toLowerCase()} (${code})`, { cause: err }), failure: 'connect' };
  }
  if (err instanceof undiciErrors.HeadersTimeoutError) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${where}: no response head within timeouts.firstByte`, { cause: err }), failure: 'timeout' };
  }
  if (err instanceof undiciErrors.BodyTimeoutError) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${where}: response body stalled longer than timeouts.idle`, { cause: err }), failure: 'timeout' };
  }
  if (err instanceof undiciErrors.HeadersOverflowError) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_HEADERS_TOO_LARGE', `${where}: response head larger than maxResponseHeaderSize`, { cause: err }), failure: 'protocol' };
  }
  if (err instanceof undiciErrors.ResponseContentLengthMismatchError) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${where}: response body shorter or longer than its content-length`, { cause: err }), failure: 'protocol' };
  }
  if (err instanceof undiciErrors.SocketError || code === 'ECONNRESET' || code === 'EPIPE') {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${where}: connection closed before the response was complete`, { cause: err }), failure: 'reset' };
  }
  if (code.startsWith('HPE_') || err instanceof undiciErrors.HTTPParserError) {
    return { error: new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${where}: malformed http response (${(e.message ?? code).toLowerCase()})`, { cause: err }), failure: 'protocol' };
  }
  return { error: new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${where}: ${String(e.message ?? err).toLowerCase()}`, { cause: err }), failure: 'protocol' };
}
