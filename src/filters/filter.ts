/**
 * The one contract for every middleware (Envoy's filter, undici's interceptor): a factory checks
 * its options once, when the config is loaded, and returns the per-request function. That function
 * either answers itself (does not call `next`) or calls `next` and may act before and after it.
 */
import type { Logger } from 'pino';
import type { Exchange } from '../listener/exchange.js';

export type Next = () => Promise<void>;
export type Filter = (exchange: Exchange, next: Next) => Promise<void>;

export interface FilterProblem {
  /** Path below the middleware entry, e.g. ['response', 'set', 'X-Bad Name']. */
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

/** What a factory knows besides its options: the middleware's name in config, and the logger. */
export interface FilterContext {
  /** The key under `middleware:` (instances share state by it, e.g. rate-limit counters in Redis). */
  readonly name: string;
  /** For what happens outside a request (a store going down, keys refreshed). */
  readonly log: Logger;
  /** How many worker processes run this config side by side (serve --workers N); 1 in one process. */
  readonly processes: number;
  /** The config file's directory: relative paths in options (an htpasswd file) resolve against it. */
  readonly configDir: string;
}

export interface FilterFactory<Options = Record<string, unknown>> {
  readonly type: string;
  /** Problems with the options (and files they name), empty when they are fine. Runs at config load. */
  check(options: Readonly<Record<string, unknown>>, context: FilterContext): FilterProblem[];
  /** Builds the filter from options that passed `check`. */
  create(options: Options, context: FilterContext): Filter;
}

/** Runs `filters` in order around `terminal`; built once per route at config load. */
export function compose(filters: readonly Filter[], terminal: (exchange: Exchange) => Promise<void>): (exchange: Exchange) => Promise<void> {
  return filters.reduceRight<(exchange: Exchange) => Promise<void>>((inner, filter) => (exchange) => filter(exchange, () => inner(exchange)), terminal);
}
