/**
 * The proxy core loop for one FastCGI attempt: sends the request on a connection and relays
 * what comes back to the client, as nginx's fastcgi module would. The response head is parsed
 * from stdout; the body is then held back up to BUFFER_LIMIT so that small responses go out in
 * one piece with a Content-Length (and so a failure before the end can still be a clean 502),
 * and past that, or at once with `X-Accel-Buffering: no`, streamed as PHP flushes it, with
 * backpressure from the client to php-fpm. stderr lines are logged with the request id; a 500
 * without a body (a PHP fatal with display_errors off) becomes problem+json whose chain holds
 * the fatal taken from stderr (SPEC section 5).
 *
 * The relay reports its end through a callback, called once and synchronously when the request
 * settles, so the connection goes back to the pool in the same turn that END_REQUEST arrived; a
 * client that goes away is noticed from the response's own 'close' event, without an
 * AbortSignal per request.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '../../listener/exchange.js';
import { SwitchyardError } from '../../errors.js';
import { phpCause } from '../../error-chain/php-stderr.js';
import { CgiHeadParser, type CgiHead } from './cgi-response.js';
import type { FastcgiConnection, RequestSink } from './connection.js';
import { ProtocolStatus, type EndRequest } from './record.js';

/** Like nginx's default fastcgi_buffers: enough for most pages, small enough to stream sooner. */
export const BUFFER_LIMIT = 64 * 1024;
/** stderr kept per request for the error chain; the log gets every line. */
const STDERR_KEEP = 8 * 1024;

export type RelayOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'accel'; readonly uri: string; readonly head: CgiHead }
  /** The client went away; nothing more to send. */
  | { readonly kind: 'aborted' };

/** Failure before the response head went out; `retryable` when php-fpm sent nothing at all. */
export class RelayError extends Error {
  readonly error: SwitchyardError;
  readonly retryable: boolean;
  constructor(error: SwitchyardError, retryable: boolean) {
    super(error.message);
    this.error = error;
    this.retryable = retryable;
  }
}

/** How a relay ended: an outcome, or a failure before the response head went out. */
export type RelayResult = RelayOutcome | RelayError;

export class Relay implements RequestSink {
  readonly #exchange: Exchange;
  readonly #conn: FastcgiConnection;
  readonly #label: string;
  readonly #head: CgiHeadParser;
  #parsed: CgiHead | undefined;
  #state: 'head' | 'buffering' | 'streaming' | 'accel' | 'settled' = 'head';
  #body: Buffer[] = [];
  #bodySize = 0;
  #received = false;
  #stderr = '';
  #stderrPartial = '';
  #paused = false;
  /** PHP's Content-Length on a streamed response, and the body bytes relayed so far. */
  #declared: number | undefined;
  #sent = 0;
  readonly #onDrain = (): void => {
    this.#paused = false;
    // Only while this relay still owns the connection.
    if (this.#state === 'streaming') this.#conn.resume();
  };
  readonly #done: (result: RelayResult) => void;
  /** END_REQUEST arrived complete: the connection is clean and may be kept. */
  completed = false;
  /** The client went away before the response was complete. */
  readonly #onResponseClose = (): void => {
    if (this.#state === 'settled' || this.#exchange.res.writableFinished) return;
    this.#conn.destroy();
    this.#finish({ kind: 'aborted' });
  };

  constructor(exchange: Exchange, conn: FastcgiConnection, label: string, done: (result: RelayResult) => void) {
    this.#exchange = exchange;
    this.#conn = conn;
    this.#label = label;
    this.#head = new CgiHeadParser(label);
    this.#done = done;
    // Left in place: after the relay settles it does nothing, and it goes with the response.
    if (exchange.aborted) queueMicrotask(this.#onResponseClose);
    else exchange.res.on('close', this.#onResponseClose);
  }

  stdout(chunk: Buffer): void {
    this.#received = true;
    switch (this.#state) {
      case 'head': {
        let parsed;
        try {
          parsed = this.#head.push(chunk);
        } catch (err) {
          this.#failConnection(err as SwitchyardError);
          return;
        }
        if (parsed === undefined) return;
        this.#parsed = parsed.head;
        if (parsed.head.accelRedirect !== undefined) {
          this.#state = 'accel';
          return;
        }
        this.#state = 'buffering';
        this.#hold(parsed.body);
        if (!parsed.head.buffering) this.#startStreaming();
        return;
      }
      case 'buffering':
        this.#hold(chunk);
        return;
      case 'streaming':
        this.#write(chunk);
        return;
      default:
    }
  }

  stderr(chunk: Buffer): void {
    this.#received = true;
    const text = this.#stderrPartial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#stderrPartial = lines.pop() ?? '';
    for (const line of lines) this.#stderrLine(line);
  }

  end(result: EndRequest): void {
    if (this.#stderrPartial !== '') this.#stderrLine(this.#stderrPartial);
    this.#stderrPartial = '';
    this.completed = result.protocolStatus === ProtocolStatus.REQUEST_COMPLETE;
    if (result.protocolStatus !== ProtocolStatus.REQUEST_COMPLETE) {
      const error =
        result.protocolStatus === ProtocolStatus.OVERLOADED
          ? new SwitchyardError('SY_ERR_UPSTREAM_OVERLOADED', `${this.#label} refused the request as overloaded`, { headers: { 'retry-after': '1' } })
          : new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#label} ended the request with protocol status ${result.protocolStatus}`);
      this.#failRequest(error);
      return;
    }
    const head = this.#parsed;
    switch (this.#state) {
      case 'head':
        this.#failRequest(this.#head.incomplete());
        return;
      case 'accel':
        this.#finish({ kind: 'accel', uri: (head as CgiHead).accelRedirect as string, head: head as CgiHead });
        return;
      case 'buffering': {
        const h = head as CgiHead;
        if (h.status === 500 && this.#bodySize === 0 && this.#stderr !== '') {
          this.#failRequest(
            new SwitchyardError('SY_ERR_FASTCGI_APP_ERROR', `the php application behind ${this.#label} failed with status 500`, { chain: [phpCause(this.#stderr)] }),
          );
          return;
        }
        const headers: OutgoingHttpHeaders = { ...h.headers };
        const bodyless = this.#exchange.req.method === 'HEAD' || h.status === 204 || h.status === 304 || h.status < 200;
        // The measured length, not PHP's: a wrong one (zlib.output_compression with a hand-set
        // header) would make the client read the next response from the rest of this one.
        if (!bodyless) headers['content-length'] = this.#bodySize;
        this.#exchange.writeHead(h.status, headers);
        this.#exchange.res.end(this.#bodySize === 0 ? undefined : Buffer.concat(this.#body, this.#bodySize));
        this.#body = [];
        this.#finish({ kind: 'done' });
        return;
      }
      case 'streaming':
        if (this.#declared !== undefined && this.#sent !== this.#declared) {
          this.#cutShort(`sent ${this.#sent} body bytes after declaring content-length ${this.#declared}`);
          return;
        }
        this.#exchange.res.end();
        this.#finish({ kind: 'done' });
        return;
      default:
    }
  }

  error(err: SwitchyardError): void {
    if (this.#state === 'streaming') {
      this.#exchange.log.warn({ upstream: this.#label, code: err.code, detail: err.message }, 'fastcgi response cut short');
      this.#exchange.res.destroy(err);
      this.#finish({ kind: 'done' });
      return;
    }
    if (this.#state === 'settled') return;
    this.#state = 'settled';
    this.#done(new RelayError(err, !this.#received));
  }

  /** The request body could not be sent (client stopped sending it). */
  bodyFailed(err: unknown): void {
    if (this.#state === 'settled') return;
    this.#conn.destroy();
    this.#failRequest(new SwitchyardError('SY_ERR_BAD_REQUEST', 'request body ended before its content-length', { cause: err }));
  }

  #hold(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#body.push(chunk);
    this.#bodySize += chunk.length;
    if (this.#bodySize > BUFFER_LIMIT) this.#startStreaming();
  }

  /** After the head: all that is left is to cut the client off (listener contract). */
  #cutShort(why: string): void {
    this.#exchange.log.warn({ upstream: this.#label, detail: why }, 'fastcgi response cut short');
    this.#conn.destroy();
    this.#exchange.res.destroy();
    this.#finish({ kind: 'done' });
  }

  #startStreaming(): void {
    const h = this.#parsed as CgiHead;
    this.#state = 'streaming';
    const declared = Number(h.headers['content-length'] ?? Number.NaN);
    if (Number.isSafeInteger(declared) && declared >= 0 && this.#exchange.req.method !== 'HEAD') this.#declared = declared;
    this.#exchange.writeHead(h.status, { ...h.headers });
    // Send the head now even with no body yet, so a client sees a streamed page start.
    this.#exchange.res.flushHeaders();
    const held = this.#body;
    this.#body = [];
    for (const chunk of held) this.#write(chunk);
  }

  #write(chunk: Buffer): void {
    const res = this.#exchange.res;
    if (this.#exchange.req.method === 'HEAD' || res.destroyed) return;
    this.#sent += chunk.length;
    if (this.#declared !== undefined && this.#sent > this.#declared) {
      this.#cutShort(`sent more than its declared content-length ${this.#declared}`);
      return;
    }
    if (!res.write(chunk) && !this.#paused) {
      this.#paused = true;
      this.#conn.pause();
      res.once('drain', this.#onDrain);
    }
  }

  #stderrLine(raw: string): void {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    this.#exchange.log.warn({ upstream: this.#label, stderr: line }, 'php stderr');
    if (this.#stderr.length < STDERR_KEEP) this.#stderr += (this.#stderr === '' ? '' : '\n') + line;
  }

  #failConnection(err: SwitchyardError): void {
    this.#conn.destroy();
    this.error(err);
  }

  #failRequest(err: SwitchyardError): void {
    if (this.#state === 'settled') return;
    this.#state = 'settled';
    // The request ended cleanly at the FastCGI level, so this is not a retry case.
    this.#done(new RelayError(err, false));
  }

  #finish(outcome: RelayOutcome): void {
    if (this.#state === 'settled') return;
    this.#state = 'settled';
    this.#exchange.res.off('drain', this.#onDrain);
    this.#done(outcome);
  }
}
