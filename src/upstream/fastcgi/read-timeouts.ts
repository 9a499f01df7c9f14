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
import { Sweep } from '../../sweep.js';

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
  /** Ticks of silence after which a waiting connection times out. */
  readonly #limit: number;
  readonly #sweep: Sweep<TimedConnection>;

  constructor(timeout: number) {
    this.timeout = timeout;
    const tickMs = Math.max(1, Math.min(MAX_TICK_MS, Math.floor(timeout / 4)));
    this.#limit = Math.ceil(timeout / tickMs);
    this.#sweep = new Sweep(tickMs, (connections) => {
      this.now++;
      for (const conn of connections) conn.checkReadTimeout(this.now, this.#limit);
    });
  }

  add(conn: TimedConnection): void {
    this.#sweep.add(conn);
  }

  delete(conn: TimedConnection): void {
    this.#sweep.delete(conn);
  }
}
