/**
 * Keep-alive connections to one endpoint, each an undici Client carrying one request at a time
 * (pipelining 1, as nginx and Envoy's HTTP/1 pools do: a pipelined request behind a slow one
 * would inherit its latency and die with its connection). Written over single Clients rather than
 * undici's Pool so that every connection is known by name: its state, requests and bytes go into
 * the connection table, and a connection that closes is removed from it with the reason. Requests
 * beyond `maxConnections` wait (counted against the circuit breaker's `maxPending`).
 */
import { Client, type buildConnector, errors as undiciErrors } from 'undici';
import type { HttpTlsConfig } from '../../config/types.js';
import { endpointConnector } from '../../cluster/tls-connector.js';
import type { Socket } from 'node:net';
import { SwitchyardError } from '../../errors.js';
import type { CircuitBreaker } from '../../cluster/circuit-breaker.js';
import type { ConnectionEntry, ConnectionTable } from '../../cluster/connection-table.js';
import type { Endpoint } from '../../cluster/endpoint.js';

export interface PoolOptions {
  readonly upstream: string;
  readonly maxConnections: number;
  readonly connectTimeout: number;
  readonly firstByteTimeout: number;
  readonly idleTimeout: number;
  readonly keepAliveTimeout: number;
  readonly maxHeaderSize: number;
  readonly tls: HttpTlsConfig;
}

export interface PooledConnection {
  readonly client: Client;
  /** The table row of the Client's current socket (a busy Client that lost its socket reconnects). */
  entry: ConnectionEntry;
  busy: boolean;
  dead: boolean;
}

interface Waiter {
  readonly resolve: (conn: PooledConnection) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

export class EndpointPool {
  readonly #endpoint: Endpoint;
  readonly #opts: PoolOptions;
  readonly #breaker: CircuitBreaker;
  readonly #table: ConnectionTable;
  readonly #connector: buildConnector.connector;
  readonly #idle: PooledConnection[] = [];
  readonly #waiters: Waiter[] = [];
  #open = 0;
  #closed = false;

  constructor(endpoint: Endpoint, opts: PoolOptions, breaker: CircuitBreaker, table: ConnectionTable) {
    this.#endpoint = endpoint;
    this.#opts = opts;
    this.#breaker = breaker;
    this.#table = table;
    this.#connector = endpointConnector(opts.tls, opts.connectTimeout);
  }

  /**
   * A connection for one request: the most recently used idle one, a new one, or a wait. The
   * abort signal is asked for only when the request has to wait (making one costs every request).
   */
  acquire(abortSignal: () => AbortSignal): PooledConnection | Promise<PooledConnection> {
    if (this.#closed) throw new SwitchyardError('SY_ERR_SHUTTING_DOWN', `upstream ${this.#opts.upstream} is closing`);
    while (this.#idle.length > 0) {
      const conn = this.#idle.pop() as PooledConnection;
      if (!conn.dead) return this.#start(conn);
    }
    if (this.#open < this.#opts.maxConnections) return this.#start(this.#connect());
    this.#breaker.countConnectionOverflow();
    if (!this.#breaker.tryPending()) {
      throw new SwitchyardError('SY_ERR_UPSTREAM_CIRCUIT_OPEN', `upstream ${this.#opts.upstream}: ${this.#breaker.limits.maxPending} requests already wait for a connection to ${this.#endpoint.url} (circuitBreaker.maxPending)`, {
        headers: { 'retry-after': '1' },
      });
    }
    const signal = abortSignal();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiters.indexOf(waiter);
          if (i !== -1) this.#waiters.splice(i, 1);
          this.#breaker.endPending();
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives a connection back after its request; `reusable` false closes it. */
  release(conn: PooledConnection, reusable: boolean): void {
    conn.busy = false;
    conn.entry.endRequest();
    if (!reusable || conn.dead || this.#closed) {
      this.#kill(conn);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#handOver(waiter, conn);
      return;
    }
    this.#idle.push(conn);
  }

  /** Closes idle connections now; busy ones close when their request ends. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) {
      w.signal.removeEventListener('abort', w.onAbort);
      this.#breaker.endPending();
      w.reject(new SwitchyardError('SY_ERR_SHUTTING_DOWN', `upstream ${this.#opts.upstream} is closing`));
    }
    for (const conn of this.#idle.splice(0)) this.#kill(conn);
  }

  #start(conn: PooledConnection): PooledConnection {
    conn.busy = true;
    conn.entry.startRequest();
    return conn;
  }

  #handOver(waiter: Waiter, conn: PooledConnection): void {
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    this.#breaker.endPending();
    waiter.resolve(this.#start(conn));
  }

  #connect(): PooledConnection {
    const connector = this.#connector;
    const client = new Client(this.#endpoint.url, {
      pipelining: 1,
      keepAliveTimeout: this.#opts.keepAliveTimeout,
      headersTimeout: this.#opts.firstByteTimeout,
      bodyTimeout: this.#opts.idleTimeout,
      maxHeaderSize: this.#opts.maxHeaderSize,
      connect: (options, callback) =>
        connector(options, (err, socket) => {
          if (socket !== null) conn.entry.attach(socket as Socket);
          if (err === null) callback(null, socket as Socket);
          else callback(err, null);
        }),
    });
    const conn: PooledConnection = { client, entry: this.#table.open(this.#endpoint.url), busy: false, dead: false };
    this.#open++;
    client.on('connect', () => conn.entry.connected());
    client.on('connectionError', (_origin, _targets, err) => this.#drop(conn, err, 'connect-failure'));
    client.on('disconnect', (_origin, _targets, err) => {
      const hung = err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError;
      // undici reports a keep-alive connection the server or idle timer closed as a SocketError
      // or InformationalError; only other errors are worth showing as the connection's last.
      const quiet = err instanceof undiciErrors.InformationalError || (err instanceof undiciErrors.SocketError && conn.entry.state === 'idle');
      if (conn.busy && !hung && !this.#closed) {
        // The socket went (the upstream closed a kept connection as a request was handed to
        // it): undici reconnects for that request; the table gets a row for the new socket.
        conn.entry.closed(quiet ? undefined : describe(err), 'normal');
        conn.entry = this.#table.open(this.#endpoint.url);
        conn.entry.startRequest();
        return;
      }
      this.#drop(conn, quiet ? undefined : err, hung ? 'hung' : 'normal');
    });
    return conn;
  }

  #drop(conn: PooledConnection, err: Error | undefined, how: 'normal' | 'connect-failure' | 'hung'): void {
    if (conn.dead) return;
    conn.dead = true;
    this.#open--;
    conn.entry.closed(err === undefined ? undefined : describe(err), how);
    const i = this.#idle.indexOf(conn);
    if (i !== -1) this.#idle.splice(i, 1);
    void conn.client.destroy().catch(() => {});
    // A slot freed: the oldest waiter gets a new connection.
    const waiter = this.#closed ? undefined : this.#waiters.shift();
    if (waiter !== undefined) this.#handOver(waiter, this.#connect());
  }

  #kill(conn: PooledConnection): void {
    if (conn.dead) return;
    conn.entry.drain();
    this.#drop(conn, undefined, 'normal');
  }
}

function describe(err: Error): string {
  return `${(err as { code?: string }).code ?? err.name}: ${err.message}`;
}
