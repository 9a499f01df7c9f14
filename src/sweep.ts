/**
 * One interval for a set of connections whose deadlines are checked together (client deadlines on
 * the listener, read timeouts to php-fpm, first-byte and idle timeouts to HTTP upstreams), instead
 * of a timer per request: setting and clearing a timer around every request showed in the
 * profiles. The interval runs only while the set has members and never keeps the process alive.
 */
export class Sweep<T> {
  readonly members = new Set<T>();
  readonly #every: number;
  readonly #tick: (members: ReadonlySet<T>) => void;
  #timer: NodeJS.Timeout | undefined;

  /** `tick` runs every `every` ms with the members, while there are any. */
  constructor(every: number, tick: (members: ReadonlySet<T>) => void) {
    this.#every = every;
    this.#tick = tick;
  }

  add(member: T): void {
    this.members.add(member);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(this.members), this.#every);
      this.#timer.unref();
    }
  }

  /** Returns whether `member` was there. */
  delete(member: T): boolean {
    const had = this.members.delete(member);
    if (this.members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    return had;
  }
}
