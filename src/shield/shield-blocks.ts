/**
 * The shield's recent blocks, for `GET /admin/shield`: the newest KEEP requests a rule answered
 * 403/400, each with its time, rule, category, route, request id and the part that matched.
 * Matches in log mode are counted (switchyard_shield_logged_total) and written to the audit log,
 * not kept here: the list answers "what is the shield refusing right now". Fed from
 * `switchyard:shield:match`, as the metrics are, so the filter knows nothing of it.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { channels, type ShieldMatchMessage } from '../telemetry/channels.js';

/** How many blocks are kept (per process; the primary of several workers merges the newest). */
export const KEEP = 100;

export interface ShieldBlock {
  /** ISO time of the block. */
  readonly time: string;
  readonly rule: number;
  readonly category: string;
  /** The route's name, else its path; null when no route matched. */
  readonly route: string | null;
  readonly requestId: string;
  readonly part: string;
}

export class ShieldBlocks {
  readonly #blocks: ShieldBlock[] = [];
  readonly #onMatch = (message: unknown) => {
    const m = message as ShieldMatchMessage;
    if (m.action !== 'block') return;
    const route = m.exchange.match?.route;
    this.#blocks.push({ time: new Date().toISOString(), rule: m.rule, category: m.category, route: route === undefined ? null : (route.name ?? route.path), requestId: m.exchange.id, part: m.part });
    if (this.#blocks.length > KEEP) this.#blocks.shift();
  };

  constructor() {
    subscribe(channels.shieldMatch.name, this.#onMatch);
  }

  /** Oldest first. */
  list(): readonly ShieldBlock[] {
    return [...this.#blocks];
  }

  close(): void {
    unsubscribe(channels.shieldMatch.name, this.#onMatch);
  }
}

/** The newest KEEP of several processes' blocks, oldest first (ISO times sort as text). */
export function newestBlocks(lists: readonly (readonly ShieldBlock[])[]): ShieldBlock[] {
  return lists
    .flat()
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
    .slice(-KEEP);
}
