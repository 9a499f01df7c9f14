/**
 * Which endpoints a request may go to, before the balancer picks one: Envoy's priority levels
 * and zone-aware routing, simplified.
 *
 * Priority: each level's health is its usable share x 1.4 (Envoy's overprovisioning factor),
 * capped at 100%. Level 0 takes that share of traffic, the next level the rest of what it can,
 * and so on; when the levels together are under 100%, the shares are scaled up (Envoy's
 * normalisation). So one sick endpoint of five in level 0 moves nothing, losing level 0 entirely
 * moves everything to level 1 (the second cluster or cloud).
 *
 * Zone: within the chosen level, with `localZone` set, only local endpoints are used while the
 * local zone's health (same formula) is 100%, i.e. at least ~72% of them are usable; otherwise
 * every available endpoint of the level is.
 */
import type { Endpoint } from './endpoint.js';

const OVERPROVISIONING = 1.4;

export class PrioritySet {
  readonly #levels: Endpoint[][];
  readonly #localZone: string | undefined;

  constructor(endpoints: readonly Endpoint[], localZone: string | undefined) {
    const byPriority = new Map<number, Endpoint[]>();
    for (const e of endpoints) {
      const level = byPriority.get(e.priority);
      if (level === undefined) byPriority.set(e.priority, [e]);
      else level.push(e);
    }
    this.#levels = [...byPriority.entries()].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    this.#localZone = localZone;
  }

  /**
   * Available endpoints of the level this request lands on, minus `exclude` (endpoints already
   * tried by this request) when others remain; empty when nothing is available anywhere.
   */
  candidates(exclude: ReadonlySet<Endpoint> | undefined, random = Math.random()): readonly Endpoint[] {
    // The common case (one level, no zones, all well, first try) allocates nothing.
    const only = this.#levels.length === 1 && this.#localZone === undefined ? (this.#levels[0] as Endpoint[]) : undefined;
    if (only !== undefined && (exclude === undefined || exclude.size === 0) && allAvailable(only)) return only;
    const health = this.#levels.map((level) => levelHealth(level));
    const total = health.reduce((a, b) => a + b, 0);
    if (total === 0) return [];
    // Spill down the levels: level i gets min(its health, what earlier levels left over).
    let left = 100;
    const load = health.map((h) => {
      const share = Math.min(h, left);
      left -= share;
      return share;
    });
    const scale = total < 100 ? 100 / load.reduce((a, b) => a + b, 0) : 1;
    let draw = random * 100;
    let chosen = this.#levels.length - 1;
    for (let i = 0; i < load.length; i++) {
      draw -= (load[i] as number) * scale;
      if (draw < 0) {
        chosen = i;
        break;
      }
    }
    // Prefer the drawn level; when it has no endpoint free right now (a half-open one busy),
    // fall through to the others in priority order.
    const order = [chosen, ...this.#levels.keys()].filter((v, i, a) => a.indexOf(v) === i);
    for (const i of order) {
      const picked = this.#inLevel(this.#levels[i] as Endpoint[], exclude);
      if (picked.length > 0) return picked;
    }
    return [];
  }

  #inLevel(level: readonly Endpoint[], exclude: ReadonlySet<Endpoint> | undefined): Endpoint[] {
    let pool = level;
    if (this.#localZone !== undefined) {
      const local = level.filter((e) => e.zone === this.#localZone);
      if (local.length > 0 && levelHealth(local) >= 100) pool = local;
    }
    const available = pool.filter((e) => e.available());
    if (exclude === undefined || exclude.size === 0) return available;
    const fresh = available.filter((e) => !exclude.has(e));
    return fresh.length > 0 ? fresh : available;
  }
}

function allAvailable(endpoints: readonly Endpoint[]): boolean {
  for (const e of endpoints) if (!e.available()) return false;
  return true;
}

/** Percent of traffic a group of endpoints can take: usable share x 1.4, capped at 100. */
export function levelHealth(endpoints: readonly Endpoint[]): number {
  if (endpoints.length === 0) return 0;
  const usable = endpoints.filter((e) => e.usable()).length;
  return Math.min(100, (100 * OVERPROVISIONING * usable) / endpoints.length);
}
