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
 */
import type { ListenAddress } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import { FastcgiConnection, describeAddress } from './connection.js';
import { ConnectionTable } from '../../cluster/connection-table.js';
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

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly cleanup: () => void;
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
  #active = 0;
  #closed = false;
  /** Every connection to php-fpm, as GET /admin/upstreams shows it. */
  readonly table = new ConnectionTable();

  constructor(opts: PoolOptions) {
    this.#opts = opts;
    reportedTables.set(opts.label, this.table);
  }

  get stats(): PoolStats {
    return { active: this.#active, queued: this.#waiters.length, idle: this.#idle.length, max: this.#opts.maxConnections };
  }

  /** Waits for a slot (one in-flight request). Pair with `leave()`. */
  admit(abortSignal: () => AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new SwitchyardError('SY_ERR_SHUTTING_DOWN', `${this.#opts.label} is closing`));
    if (this.#active < this.#opts.maxConnections) {
      this.#active++;
      return Promise.resolve();
    }
    const retryAfter = String(Math.max(1, Math.ceil(this.#opts.queue.timeout / 1000)));
    if (this.#waiters.length >= this.#opts.queue.max) {
      return Promise.reject(
        new SwitchyardError(
          'SY_ERR_UPSTREAM_OVERLOADED',
          `${this.#opts.label} has all ${this.#opts.maxConnections} connections busy and ${this.#waiters.length} requests queued (queue.max)`,
          { headers: { 'retry-after': retryAfter } },
        ),
      );
    }
    // Only a request that has to wait needs its abort signal (making one costs every request).
    const signal = abortSignal();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        remove();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        remove();
        reject(
          new SwitchyardError('SY_ERR_UPSTREAM_QUEUE_TIMEOUT', `${this.#opts.label} had no free connection within ${this.#opts.queue.timeout} ms (queue.timeout)`, {
            headers: { 'retry-after': retryAfter },
          }),
        );
      }, this.#opts.queue.timeout);
      const cleanup = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = { resolve, reject, cleanup };
      const remove = (): void => {
        cleanup();
        const i = this.#waiters.indexOf(waiter);
        if (i !== -1) this.#waiters.splice(i, 1);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Frees the slot taken by `admit`, handing it straight to the oldest waiter. */
  leave(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) {
      next.cleanup();
      next.resolve();
      return;
    }
    this.#active--;
  }

  /** A connection for an admitted request: the most recently idled one, else a new one. */
  async take(fresh = false): Promise<FastcgiConnection> {
    while (!fresh && this.#idle.length > 0) {
      const { conn } = this.#idle.pop() as IdleConnection;
      conn.onClose = undefined;
      if (conn.alive) return conn;
    }
    const entry = this.table.open(describeAddress(this.#opts.address));
    try {
      const conn = await FastcgiConnection.connect(this.#opts.address, this.#opts.label, this.#opts.connectTimeout, this.#opts.readTimeout);
      conn.track(entry);
      return conn;
    } catch (err) {
      entry.closed(err instanceof Error ? err.message : String(err), 'connect-failure');
      throw err;
    }
  }

  /** Returns a connection after its request; only a cleanly ended one is kept. */
  giveBack(conn: FastcgiConnection, reusable: boolean): void {
    if (!reusable || this.#opts.keepAlive === false || this.#closed || !conn.alive) {
      conn.destroy();
      return;
    }
    conn.entry?.endRequest();
    // php-fpm restarting closes its end; drop the connection then rather than on next use.
    conn.onClose = () => {
      const i = this.#idle.findIndex((idle) => idle.conn === conn);
      if (i !== -1) this.#idle.splice(i, 1);
    };
    this.#idle.push({ conn, since: performance.now() });
    if (this.#sweeper === undefined) this.#sweepAt(this.#opts.keepAlive.idle);
  }

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
    for (const { conn } of this.#idle.splice(0)) conn.destroy();
    for (const waiter of this.#waiters.splice(0)) {
      waiter.cleanup();
      waiter.reject(new SwitchyardError('SY_ERR_SHUTTING_DOWN', `${this.#opts.label} is closing`));
    }
  }
}
