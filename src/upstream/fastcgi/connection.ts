/**
 * One connection to php-fpm carrying one request at a time (php-fpm does not multiplex:
 * FCGI_MPXS_CONNS is 0), always as request id 1. It frames what is written and demultiplexes
 * what comes back into stdout, stderr and end-request for the current request's sink, and turns
 * every way the stream can go wrong into a catalogue error: a reset, a timeout, or a protocol
 * violation (after which the connection is never reused). The read timeout is kept by the
 * pool's coarse clock (read-timeouts.ts): hearing from php-fpm only stamps a number.
 */
import { createConnection, type Socket } from 'node:net';
import type { ListenAddress } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { ConnectionEntry } from '../../cluster/connection-table.js';
import { FastcgiProtocolError, RecordParser, RecordType, decodeEndRequest, encodeRequest, encodeStream, type EndRequest } from './record.js';
import { ReadTimeouts, type TimedConnection } from './read-timeouts.js';

/** Receives what php-fpm sends for the current request. */
export interface RequestSink {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  end(result: EndRequest): void;
  /** The request cannot complete; the connection is already destroyed. */
  error(err: SwitchyardError): void;
}

export const REQUEST_ID = 1;
const EMPTY = Buffer.alloc(0);

export function describeAddress(address: ListenAddress): string {
  return address.kind === 'unix' ? `unix:${address.path}` : `${address.host}:${address.port}`;
}

const CONNECT_HINTS: Record<string, string> = {
  ENOENT: 'the socket does not exist; is php-fpm running?',
  ECONNREFUSED: 'connection refused; is php-fpm running?',
  EACCES: 'permission denied on the socket',
  ECONNRESET: 'connection reset',
  EAGAIN: 'php-fpm listen backlog is full',
};

export class FastcgiConnection implements TimedConnection {
  readonly #socket: Socket;
  readonly #parser = new RecordParser();
  readonly #label: string;
  readonly #timeouts: ReadTimeouts;
  /** The clock's count when php-fpm was last heard from (or the request last moved). */
  #heard = 0;
  /** Reading is paused for a slow client: the read timeout waits too. */
  #paused = false;
  #sink: RequestSink | undefined;
  #lastError: Error | undefined;
  #closed = false;
  /** Requests started on this connection; above 0 means a reused keep-alive connection. */
  requests = 0;
  /** Called once when the socket closes, whatever the reason (the pool drops idle ones). */
  onClose: ((conn: FastcgiConnection) => void) | undefined;
  /** Its row in the upstream's connection table (SPEC section 4), set by the pool. */
  entry: ConnectionEntry | undefined;
  #failure: string | undefined;
  #hung = false;

  private constructor(socket: Socket, label: string, timeouts: ReadTimeouts) {
    this.#socket = socket;
    this.#label = label;
    this.#timeouts = timeouts;
    timeouts.add(this);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => {
      this.#lastError = err;
    });
    socket.on('close', () => this.#onClose());
  }

  /**
   * Opens a connection; `label` names the upstream in error details (`upstream "legacy"`).
   * `readTimeout` is a number for a connection of its own, or the pool's shared clock.
   */
  static connect(address: ListenAddress, label: string, connectTimeout: number, readTimeout: number | ReadTimeouts): Promise<FastcgiConnection> {
    const timeouts = typeof readTimeout === 'number' ? new ReadTimeouts(readTimeout) : readTimeout;
    const where = `${label} at ${describeAddress(address)}`;
    return new Promise((resolve, reject) => {
      const socket = address.kind === 'unix' ? createConnection({ path: address.path }) : createConnection({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SwitchyardError('SY_ERR_UPSTREAM_CONNECT_TIMEOUT', `cannot connect to ${where} within ${connectTimeout} ms`));
      }, connectTimeout);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const code = err.code ?? 'error';
        const hint = CONNECT_HINTS[code] ?? err.message;
        reject(new SwitchyardError('SY_ERR_UPSTREAM_CONNECT', `cannot connect to ${where}: ${code} (${hint})`, { cause: err }));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        if (address.kind === 'tcp') socket.setNoDelay(true);
        resolve(new FastcgiConnection(socket, label, timeouts));
      });
    });
  }

  get alive(): boolean {
    return !this.#closed && !this.#socket.destroyed;
  }

  /**
   * Starts a request from encoded params: BEGIN_REQUEST, the PARAMS stream and, for a request
   * without a body, the empty STDIN record, in one write.
   */
  begin(sink: RequestSink, params: Buffer, keepConn: boolean, bodyless: boolean): void {
    this.start(sink, encodeRequest(REQUEST_ID, keepConn, params, bodyless ? EMPTY : undefined));
  }

  /** Starts a request whose records `encodeRequest` made (request id REQUEST_ID), in one write. */
  start(sink: RequestSink, request: Buffer): void {
    this.#sink = sink;
    this.#paused = false;
    this.#heard = this.#timeouts.now;
    this.requests++;
    this.entry?.startRequest();
    this.#socket.write(request);
  }

  /** Writes request body bytes; false means wait for `drained()` before writing more. */
  writeStdin(chunk: Buffer): boolean {
    if (chunk.length === 0 || !this.alive) return true;
    // A body still going out counts as progress, as a socket timeout would count it.
    this.#heard = this.#timeouts.now;
    return this.#socket.write(Buffer.concat(encodeStream(RecordType.STDIN, REQUEST_ID, chunk)));
  }

  endStdin(): void {
    if (!this.alive) return;
    this.#socket.write(Buffer.concat(encodeStream(RecordType.STDIN, REQUEST_ID, EMPTY)));
  }

  /** Resolves when the socket can take more, or when it closed (the sink hears why). */
  drained(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
    });
  }

  /** Stops reading while the client is slower than php-fpm; the read timeout waits too. */
  pause(): void {
    this.#socket.pause();
    this.#paused = true;
  }

  resume(): void {
    this.#socket.resume();
    this.#paused = false;
    this.#heard = this.#timeouts.now;
  }

  /** From the pool's clock: a request that heard nothing for `limit` ticks has hung. */
  checkReadTimeout(now: number, limit: number): void {
    if (this.#sink === undefined || this.#paused || now - this.#heard <= limit) return;
    this.#hung = true;
    this.#fail(new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${this.#label} sent nothing for ${this.#timeouts.timeout} ms`));
  }

  /** Abandons the current request (client gone, or a failure upstream of us) and closes. */
  destroy(): void {
    this.#sink = undefined;
    this.#closed = true;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#heard = this.#timeouts.now;
    let records;
    try {
      records = this.#parser.push(chunk);
    } catch (err) {
      this.#fail(this.#protocolError(err));
      return;
    }
    let ended: EndRequest | undefined;
    for (const record of records) {
      // Management records (request id 0, spec 4) carry nothing for the current request.
      if (record.requestId === 0 && (record.type === RecordType.GET_VALUES_RESULT || record.type === RecordType.UNKNOWN_TYPE)) continue;
      const sink = this.#sink;
      if (sink === undefined || ended !== undefined) {
        this.#fail(new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#label} sent a record of type ${record.type} after the request had ended`));
        return;
      }
      if (record.requestId !== REQUEST_ID) {
        this.#fail(new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#label} sent a record for request id ${record.requestId}, expected ${REQUEST_ID}`));
        return;
      }
      switch (record.type) {
        case RecordType.STDOUT:
          if (record.content.length > 0) sink.stdout(record.content);
          break;
        case RecordType.STDERR:
          if (record.content.length > 0) sink.stderr(record.content);
          break;
        case RecordType.END_REQUEST:
          try {
            ended = decodeEndRequest(record.content);
          } catch (err) {
            this.#fail(this.#protocolError(err));
            return;
          }
          break;
        default:
          this.#fail(new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#label} sent a record of type ${record.type}, which an application never sends`));
          return;
      }
      // A sink may have destroyed us (client gone) while handling stdout.
      if (this.#sink === undefined) return;
    }
    // Only now, so that a record trailing END_REQUEST in the same read is caught above.
    if (ended !== undefined && this.#sink !== undefined) {
      const sink = this.#sink;
      this.#sink = undefined;
      this.#paused = false;
      // Backpressure may have paused us in this very read; an idle connection must be reading
      // so that it notices php-fpm closing it.
      this.#socket.resume();
      sink.end(ended);
    }
  }

  #protocolError(err: unknown): SwitchyardError {
    const detail = err instanceof FastcgiProtocolError ? err.message : String(err);
    return new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#label} sent a malformed FastCGI stream: ${detail}`, { cause: err });
  }

  /** Reports this connection in a connection table from now on. */
  track(entry: ConnectionEntry): void {
    this.entry = entry;
    entry.attach(this.#socket);
    entry.connected();
  }

  #fail(err: SwitchyardError): void {
    this.#failure = `${err.code}: ${err.message}`;
    const sink = this.#sink;
    this.destroy();
    sink?.error(err);
  }

  #onClose(): void {
    this.#closed = true;
    this.#timeouts.delete(this);
    const sink = this.#sink;
    this.#sink = undefined;
    if (sink !== undefined) {
      let err: SwitchyardError;
      try {
        this.#parser.end();
        const why = this.#lastError === undefined ? '' : ` (${(this.#lastError as NodeJS.ErrnoException).code ?? this.#lastError.message})`;
        err = new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${this.#label} closed the connection before ending the request${why}; did a php-fpm worker die?`);
      } catch (parseErr) {
        err = this.#protocolError(parseErr);
      }
      sink.error(err);
      this.#failure ??= `${err.code}: ${err.message}`;
    }
    this.entry?.closed(this.#failure, this.#hung ? 'hung' : 'normal');
    this.onClose?.(this);
  }
}
