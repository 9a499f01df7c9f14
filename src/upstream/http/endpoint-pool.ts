/**
 * Keep-alive connections to one endpoint (UpstreamConnection, one request at a time each), every
 * one a named row of the connection table: its state, requests and bytes, and when it closes, why.
 * The most recently used idle connection is taken first (the others age out after
 * `keepAliveTimeout`); requests beyond `maxConnections` wait, counted against the circuit
 * breaker's `maxPending`. One sweep timer per pool checks every connection's deadlines, so the
 * per-request path arms no timer.
 */
import type { HttpTlsConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { CircuitBreaker } from '../../cluster/circuit-breaker.js';
import type { ConnectionTable } from '../../cluster/connection-table.js';
import type { Endpoint } from '../../cluster/endpoint.js';
import { endpointAddress, openSocket, readyEvent, type EndpointAddress } from './connect.js';
import { UpstreamConnection, type ConnectionLimits, type GoneHow } from './upstream-connection.js';
import { Sweep } from '../../sweep.js';

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

interface Waiter {
  readonly resolve: (conn: UpstreamConnection) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

export class EndpointPool {
  readonly #endpoint: Endpoint;
  readonly #opts: PoolOptions;
  readonly #breaker: CircuitBreaker;
  readonly #table: ConnectionTable;
  readonly #address: EndpointAddress;
  readonly #limits: ConnectionLimits;
  /** Every connection, its deadlines checked by one sweep. */
  readonly #all: Sweep<UpstreamConnection>;
  readonly #idle: UpstreamConnection[] = [];
  readonly #waiters: Waiter[] = [];
  #closed = false;

  constructor(endpoint: Endpoint, opts: PoolOptions, breaker: CircuitBreaker, table: ConnectionTable) {
    this.#endpoint = endpoint;
    this.#opts = opts;
    this.#breaker = breaker;
    this.#table = table;
    this.#address = endpointAddress(endpoint.url);
    this.#limits = {
      maxHeaderBytes: opts.maxHeaderSize,
      firstByteTimeout: opts.firstByteTimeout,
      idleTimeout: opts.idleTimeout,
      keepAliveTimeout: opts.keepAliveTimeout,
      connectTimeout: opts.connectTimeout,
      label: `upstream ${opts.upstream} (${endpoint.url})`,
    };
    const shortest = Math.min(...[opts.firstByteTimeout, opts.idleTimeout, opts.keepAliveTimeout].filter((t) => t > 0), 8_000);
    // The sweep runs at a fraction of the shortest deadline, within [10 ms, 1 s].
    this.#all = new Sweep(Math.min(1_000, Math.max(10, Math.floor(shortest / 8))), (all) => {
      const now = performance.now();
      for (const conn of all) conn.sweep(now);
    });
  }

  /** `host:port` of the endpoint, for a request that came without a Host. */
  get authority(): string {
    return this.#address.authority;
  }

  /**
   * A connection for one request: the most recently used idle one (none when `fresh`), a new one,
   * or a wait. The abort signal is asked for only when the request has to wait (making one costs
   * every request).
   */
  acquire(abortSignal: () => AbortSignal, fresh = false): UpstreamConnection | Promise<UpstreamConnection> {
    if (this.#closed) throw new SwitchyardError('SY_ERR_SHUTTING_DOWN', `upstream ${this.#opts.upstream} is closing`);
    if (!fresh) {
      while (this.#idle.length > 0) {
        const conn = this.#idle.pop() as UpstreamConnection;
        if (conn.dead) continue;
        // Past the upstream's Keep-Alive hint: it may be closing it as the request arrives.
        if (conn.stale) conn.close();
        else return this.#start(conn);
      }
    }
    if (this.#all.members.size < this.#opts.maxConnections) return this.#start(this.#connect());
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
  release(conn: UpstreamConnection, reusable: boolean): void {
    conn.entry.endRequest();
    if (!reusable || conn.dead || this.#closed || conn.stale) {
      conn.entry.drain();
      conn.close();
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
    for (const conn of this.#idle.splice(0)) conn.close();
  }

  #start(conn: UpstreamConnection): UpstreamConnection {
    conn.entry.startRequest();
    return conn;
  }

  #handOver(waiter: Waiter, conn: UpstreamConnection): void {
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    this.#breaker.endPending();
    waiter.resolve(this.#start(conn));
  }

  #connect(): UpstreamConnection {
    const conn = new UpstreamConnection(openSocket(this.#address, this.#opts.tls), readyEvent(this.#address), this.#table.open(this.#endpoint.url), this.#limits, this.#gone);
    this.#all.add(conn);
    return conn;
  }

  readonly #gone = (conn: UpstreamConnection, err: unknown, how: GoneHow): void => {
    if (!this.#all.delete(conn)) return;
    // A kept connection the upstream or the keep-alive timer closed is no error worth showing.
    conn.entry.closed(err === undefined ? undefined : describe(err), how);
    const i = this.#idle.indexOf(conn);
    if (i !== -1) this.#idle.splice(i, 1);
    // A slot freed: the oldest waiter gets a new connection.
    const waiter = this.#closed ? undefined : this.#waiters.shift();
    if (waiter !== undefined) this.#handOver(waiter, this.#connect());
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return `${(err as { code?: string }).code ?? err.name}: ${err.message}`;
}
