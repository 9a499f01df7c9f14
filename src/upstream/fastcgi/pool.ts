/**
 * Admission control and connection reuse for one php-fpm pool. php-fpm serves one request per
 * child, so requests beyond `maxConnections` would only wait in its listen backlog, invisible
 * and unbounded; they wait here instead, in a bounded FIFO queue with a deadline, and past it
 * get a 503 with Retry-After (SPEC section 4). Idle keep-alive connections count against the
 * cap because each one pins a php-fpm child: a new connection is only opened when no idle one
 * is left, so open connections never exceed admitted requests, which never exceed the cap.
 * A kept connection idle longer than `keepAlive.idle` is closed: php-fpm is usually shared (a
 * second gateway, the new workers of a reload, nginx during the migration, a cron check), and
 * every idle connection here is a child that nobody else can have.
 * (The shape follows undici's Pool: a queue in front of a bounded set of clients.)
 *
 * `takeNow` is the fast path: when a slot and an idle connection are both free it hands over
 * the connection at once, so the request is written in the same turn of the event loop; a
 * queued request is started from `leave()`, in the turn that freed its slot.
 */
import type { ListenAddress } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import { FastcgiConnection, describeAddress } from './connection.js';
import { ConnectionTable } from '../../cluster/connection-table.js';
import { ReadTimeouts } from './read-timeouts.js';
import { reportedTables } from '../../cluster/reported-tables.js';

export interface PoolOptions {
  /** `upstream "legacy"`, used in error details. */
  readonly label: string;
  readonly address: ListenAddress;
  readonly maxConnections: number;
  readonly queue: { readonly max: number; readonly timeout: number };
  readonly keepAlive: false | { readonly idle: number };
  readonly connectTimeout: number;
  readonly readTimeout: number;
}

/** The client of a request that may have to wait: its response, whose 'close' means it left. */
export interface WaitingClient {
  on(event: 'close', listener: () => void): unknown;
}

interface Waiter {
  readonly admitted: () => void;
  readonly refused: (err: SwitchyardError | undefined) => void;
  /** performance.now() past which it is refused with SY_ERR_UPSTREAM_QUEUE_TIMEOUT. */
  readonly deadline: number;
  /** Admitted, refused or gone: out of the queue. */
  settled: boolean;
}

export interface PoolStats {
  readonly active: number;
  readonly queued: number;
  readonly idle: number;
  readonly max: number;
}

interface IdleConnection {
  readonly conn: FastcgiConnection;
  /** performance.now() when it was given back. */
  readonly since: number;
}

export class FastcgiPool {
  readonly #opts: PoolOptions;
  /** Oldest first: `take` reuses the newest, the sweeper closes from the front. */
  readonly #idle: IdleConnection[] = [];
  #sweeper: NodeJS.Timeout | undefined;
  readonly #waiters: Waiter[] = [];
  #queueTimer: NodeJS.Timeout | undefined;
  #active = 0;
  #closed = false;
  /** One clock for the read timeouts of every connection of the pool. */
  readonly #timeouts: ReadTimeouts;
  /** Every connection to php-fpm, as GET /admin/upstreams shows it. */
  readonly table = new ConnectionTable();

  constructor(opts: PoolOptions) {
    this.#opts = opts;
    this.#timeouts = new ReadTimeouts(opts.readTimeout);
    reportedTables.set(opts.label, this.table);
  }

  get stats(): PoolStats {
    return { active: this.#active, queued: this.#waiters.length, idle: this.#idle.length, max: this.#opts.maxConnections };
  }

  /**
   * Takes a slot (one in-flight request) for `client`: `admitted` runs at once when one is
   * free, or later in the turn that frees one (leave()); `refused` gets the 503 of a full queue
   * or of `queue.timeout`, or undefined when the client left while waiting. Pair `admitted`
   * with `leave()`. No timer and no listener per request unless it waits; waiting ones share
   * one timer (the queue is FIFO with one timeout, so the oldest is always due first).
   */
  admit(client: WaitingClient, admitted: () => void, refused: (err: SwitchyardError | undefined) => void): void {
    if (this.#closed) {
      refused(new SwitchyardError('SY_ERR_SHUTTING_DOWN', `${this.#opts.label} is closing`));
      return;
    }
    if (this.#active < this.#opts.maxConnections) {
      this.#active++;
      admitted();
      return;
    }
    if (this.#waiters.length >= this.#opts.queue.max) {
      refused(
        new SwitchyardError(
          'SY_ERR_UPSTREAM_OVERLOADED',
          `${this.#opts.label} has all ${this.#opts.maxConnections} connections busy and ${this.#waiters.length} requests queued (queue.max)`,
          { headers: { 'retry-after': this.#retryAfter } },
        ),
      );
      return;
    }
    const waiter: Waiter = { admitted, refused, deadline: performance.now() + this.#opts.queue.timeout, settled: false };
    client.on('close', () => {
      if (waiter.settled) return;
      waiter.settled = true;
      const i = this.#waiters.indexOf(waiter);
      if (i !== -1) this.#waiters.splice(i, 1);
      refused(undefined);
    });
    this.#waiters.push(waiter);
    if (this.#queueTimer === undefined) this.#expireAt(this.#opts.queue.timeout);
  }

  get #retryAfter(): string {
    return String(Math.max(1, Math.ceil(this.#opts.queue.timeout / 1000)));
  }

  #expireAt(delay: number): void {
    this.#queueTimer = setTimeout(() => this.#expire(), delay);
    this.#queueTimer.unref();
  }

  /** Refuses the waiters past their deadline, oldest first, and waits for the next one. */
  #expire(): void {
    this.#queueTimer = undefined;
    const now = performance.now();
    while (this.#waiters.length > 0 && (this.#waiters[0] as Waiter).deadline <= now) {
      const waiter = this.#waiters.shift() as Waiter;
      waiter.settled = true;
      waiter.refused(
        new SwitchyardError('SY_ERR_UPSTREAM_QUEUE_TIMEOUT', `${this.#opts.label} had no free connection within ${this.#opts.queue.timeout} ms (queue.timeout)`, {
          headers: { 'retry-after': this.#retryAfter },
        }),
      );
    }
    const oldest = this.#waiters[0];
    if (oldest !== undefined) this.#expireAt(Math.max(1, oldest.deadline - now));
  }

  /**
   * A slot and an idle connection together, without waiting, or undefined (and no slot taken)
   * when either is missing: the caller then takes the queued path. Pair with `leave()`.
   */
  takeNow(): FastcgiConnection | undefined {
    if (this.#closed || this.#active >= this.#opts.maxConnections || this.#waiters.length > 0) return undefined;
    const conn = this.#takeIdle();
    if (conn !== undefined) this.#active++;
    return conn;
  }

  /**
   * Frees the slot taken by `admit`, handing it straight to the oldest waiter, whose request
   * starts before this returns (on the connection just given back, when there is one).
   */
  leave(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) {
      next.settled = true;
      next.admitted();
      return;
    }
    this.#active--;
  }

  /** For an admitted request: the most recently idled connection still open, if any. */
  takeIdle(): FastcgiConnection | undefined {
    return this.#takeIdle();
  }

  /** For an admitted request: a new connection. */
  async connect(): Promise<FastcgiConnection> {
    const entry = this.table.open(describeAddress(this.#opts.address));
    try {
      const conn = await FastcgiConnection.connect(this.#opts.address, this.#opts.label, this.#opts.connectTimeout, this.#timeouts);
      conn.track(entry);
      return conn;
    } catch (err) {
      entry.closed(err instanceof Error ? err.message : String(err), 'connect-failure');
      throw err;
    }
  }

  /** The most recently idled connection that is still open. */
  #takeIdle(): FastcgiConnection | undefined {
    while (this.#idle.length > 0) {
      const { conn } = this.#idle.pop() as IdleConnection;
      conn.onClose = undefined;
      if (conn.alive) return conn;
    }
    return undefined;
  }

  /** Returns a connection after its request; only a cleanly ended one is kept. */
  giveBack(conn: FastcgiConnection, reusable: boolean): void {
    if (!reusable || this.#opts.keepAlive === false || this.#closed || !conn.alive) {
      conn.destroy();
      return;
    }
    conn.entry?.endRequest();
    // php-fpm restarting closes its end; drop the connection then rather than on next use.
    conn.onClose = this.#dropIdle;
    this.#idle.push({ conn, since: performance.now() });
    if (this.#sweeper === undefined) this.#sweepAt(this.#opts.keepAlive.idle);
  }

  readonly #dropIdle = (conn: FastcgiConnection): void => {
    const i = this.#idle.findIndex((idle) => idle.conn === conn);
    if (i !== -1) this.#idle.splice(i, 1);
  };

  /** One timer for the pool, due when the oldest idle connection reaches `keepAlive.idle`. */
  #sweepAt(delay: number): void {
    this.#sweeper = setTimeout(() => this.#sweep(), delay);
    this.#sweeper.unref();
  }

  #sweep(): void {
    this.#sweeper = undefined;
    if (this.#opts.keepAlive === false) return;
    const limit = this.#opts.keepAlive.idle;
    const now = performance.now();
    while (this.#idle.length > 0 && now - (this.#idle[0] as IdleConnection).since >= limit) {
      const { conn } = this.#idle.shift() as IdleConnection;
      conn.onClose = undefined;
      conn.destroy();
    }
    const oldest = this.#idle[0];
    if (oldest !== undefined) this.#sweepAt(Math.max(1, limit - (now - oldest.since)));
  }

  /** Closes idle connections and refuses queued and new requests; in-flight ones finish. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#sweeper);
    clearTimeout(this.#queueTimer);
    for (const { conn } of this.#idle.splice(0)) conn.destroy();
    for (const waiter of this.#waiters.splice(0)) {
      waiter.settled = true;
      waiter.refused(new SwitchyardError('SY_ERR_SHUTTING_DOWN', `${this.#opts.label} is closing`));
    }
  }
}
