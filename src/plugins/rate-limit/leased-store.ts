/**
 * A rate-limit store that takes tokens from a shared bucket in leases: the primary's ledger for
 * the workers of one instance (`store: memory` under `serve --workers N`, lease-source.ts), or
 * Redis for every instance (`store: redis://`, redis-source.ts). A request spends a token this
 * process holds; only when it holds none does it ask the shared bucket, for up to `want` at once,
 * and requests arriving meanwhile for the same key wait for that one answer instead of each
 * asking. So most requests cost a map lookup, and the shared bucket is asked about once per lease.
 *
 * How exact: every admitted request spent a token taken from the one shared bucket, so over any
 * span no more are admitted than the bucket grants, plus what was leased before the span (a lease
 * is spent within LEASE_MS or dropped). A lease is at most 1/50 s of the rate and a small part of
 * the burst (the source decides), so with 100/s and a burst of 100 a process asks for 2 tokens at a
 * time, and with 1000000/s one ask serves 20000 requests. Tokens leased and not spent within
 * LEASE_MS are lost: a client spread over several processes may be refused up to one lease per
 * process early. `RateLimit-Remaining` is the shared bucket at the last lease plus what this
 * process still holds.
 */
import { decide, type Decision, type RateLimitStore } from './decision.js';

const LEASE_MS = 250;
const SWEEP_ABOVE = 10_000;

/** What the shared bucket answers a lease: tokens granted (0: limited) and what it holds after. */
export interface Grant {
  readonly granted: number;
  readonly tokens: number;
}

export interface GrantSource {
  /** How many tokens to ask for at once. */
  leaseSize(perSecond: number, burst: number): number;
  /** Takes up to `want` tokens; rejects with a SwitchyardError when the bucket cannot be reached. */
  grant(name: string, key: string, perSecond: number, burst: number, want: number): Promise<Grant>;
}

interface Held {
  tokens: number;
  sharedTokens: number;
  expiresAt: number;
}

export class LeasedStore implements RateLimitStore {
  readonly #source: GrantSource;
  readonly #held = new Map<string, Held>();
  readonly #asking = new Map<string, Promise<Grant>>();

  constructor(source: GrantSource) {
    this.#source = source;
  }

  take(name: string, key: string, perSecond: number, burst: number): Decision | Promise<Decision> {
    const id = `${name}\0${key}`;
    return this.#spend(id, perSecond, burst) ?? this.#ask(id, name, key, perSecond, burst);
  }

  /** Spends a held token; undefined when none is held. */
  #spend(id: string, perSecond: number, burst: number): Decision | undefined {
    const held = this.#held.get(id);
    if (held === undefined || held.tokens < 1 || held.expiresAt <= Date.now()) return undefined;
    held.tokens -= 1;
    return decide(true, held.sharedTokens + held.tokens, perSecond, burst);
  }

  async #ask(id: string, name: string, key: string, perSecond: number, burst: number): Promise<Decision> {
    for (;;) {
      let asking = this.#asking.get(id);
      if (asking === undefined) {
        asking = this.#source.grant(name, key, perSecond, burst, this.#source.leaseSize(perSecond, burst)).then((grant) => {
          if (grant.granted > 0) this.#hold(id, { tokens: grant.granted, sharedTokens: grant.tokens, expiresAt: Date.now() + LEASE_MS });
          else this.#held.delete(id);
          return grant;
        });
        this.#asking.set(id, asking);
        void asking.then(
          () => this.#asking.delete(id),
          () => this.#asking.delete(id),
        );
      }
      const grant = await asking;
      if (grant.granted === 0) return decide(false, grant.tokens, perSecond, burst);
      // Others waiting on the same lease may have spent it all: ask again.
      const spent = this.#spend(id, perSecond, burst);
      if (spent !== undefined) return spent;
    }
  }

  #hold(id: string, held: Held): void {
    if (this.#held.size >= SWEEP_ABOVE) {
      const now = Date.now();
      for (const [key, h] of this.#held) if (h.expiresAt <= now) this.#held.delete(key);
    }
    this.#held.set(id, held);
  }
}
