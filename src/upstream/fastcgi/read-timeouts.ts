/**
 * Read timeouts for a pool's connections (`readTimeout`, nginx's fastcgi_read_timeout) from one
 * coarse clock instead of a timer per request. Setting and clearing a socket timeout around
 * every request (socket.setTimeout) allocated a timer each time and showed in the profile; here
 * one interval per pool ticks a counter, a connection stamps the counter whenever php-fpm sends
 * something (a field write), and each tick closes the connections that have waited longer than
 * the timeout. A timeout fires between `readTimeout` and `readTimeout` plus one tick (a quarter
 * of the timeout, at most a second), never before. The interval runs only while the pool has
 * connections, and does not keep the process alive.
 */

/** What the clock needs of a connection. */
export interface TimedConnection {
  /** Called on every tick with the clock's count and how many ticks of silence are too many. */
  checkReadTimeout(now: number, limit: number): void;
}

const MAX_TICK_MS = 1000;

export class ReadTimeouts {
  /** Ticks so far; connections stamp it when they hear from php-fpm. */
  now = 0;
  readonly timeout: number;
  readonly #tickMs: number;
  /** Ticks of silence after which a waiting connection times out. */
  readonly #limit: number;
  readonly #connections = new Set<TimedConnection>();
  #timer: NodeJS.Timeout | undefined;

  constructor(timeout: number) {
    this.timeout = timeout;
    this.#tickMs = Math.max(1, Math.min(MAX_TICK_MS, Math.floor(timeout / 4)));
    this.#limit = Math.ceil(timeout / this.#tickMs);
  }

  add(conn: TimedConnection): void {
    this.#connections.add(conn);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
  }

  delete(conn: TimedConnection): void {
    this.#connections.delete(conn);
    if (this.#connections.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #tick(): void {
    this.now++;
    for (const conn of this.#connections) conn.checkReadTimeout(this.now, this.#limit);
  }
}
