/**
 * Once a second, for every fastcgi upstream of the running config: sample the gateway's own
 * admission queue, scrape php-fpm's status page (when `status` is set) and read new slowlog
 * entries (when `slowlog` is set). Saturation — requests queued here, a php-fpm listen queue,
 * "max children reached" going up — and slowlog entries go on the pause timeline; the last
 * status stays for the `switchyard_fpm_*` gauges. The upstream list is read from the gateway on
 * each tick, so a reload that adds or removes upstreams is followed without a restart. A bad
 * status page or slowlog is logged once when it goes bad and once when it recovers.
 */
import type { Logger } from 'pino';
import type { FastcgiUpstreamConfig } from '../../config/types.js';
import type { Gateway } from '../../gateway/gateway.js';
import { nowMs, type PauseTimeline } from '../pauses/pause-timeline.js';
import { fetchFpmStatus, type FpmStatus } from './fpm-status.js';
import { SlowlogTail } from './slowlog-tail.js';

const TICK_MS = 1_000;
const SCRAPE_TIMEOUT_MS = 800;

export interface FpmState {
  /** Last good status, undefined before the first or when the page fails. */
  status: FpmStatus | undefined;
  scrapeErrors: number;
  slowlogEntries: number;
  readonly tail: SlowlogTail | undefined;
  failing: boolean;
  lastScrape: number;
}

interface PoolStatsLike {
  readonly active: number;
  readonly queued: number;
  readonly max: number;
}

export class FpmMonitor {
  readonly states = new Map<string, FpmState>();
  readonly #gateway: Gateway;
  readonly #timeline: PauseTimeline;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  #busy = false;

  constructor(gateway: Gateway, timeline: PauseTimeline, log: Logger) {
    this.#gateway = gateway;
    this.#timeline = timeline;
    this.#log = log;
    this.#timer = setInterval(() => void this.tick().catch((err: unknown) => log.error({ err }, 'php-fpm monitoring failed this round')), TICK_MS);
    this.#timer.unref();
  }

  /** One round; exposed so tests and the first scrape need not wait for the timer. */
  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const configs = [...this.#gateway.runtime.config.upstreams.values()].filter((u): u is FastcgiUpstreamConfig => u.type === 'fastcgi');
      for (const name of this.states.keys()) if (!configs.some((c) => c.name === name)) this.states.delete(name);
      await Promise.all(configs.map((c) => this.#tickOne(c)));
    } finally {
      this.#busy = false;
    }
  }

  async #tickOne(config: FastcgiUpstreamConfig): Promise<void> {
    let state = this.states.get(config.name);
    if (state === undefined || state.tail?.path !== config.slowlog) {
      state = { status: undefined, scrapeErrors: 0, slowlogEntries: state?.slowlogEntries ?? 0, tail: config.slowlog === undefined ? undefined : new SlowlogTail(config.slowlog), failing: false, lastScrape: nowMs() };
      this.states.set(config.name, state);
    }
    const now = nowMs();
    const since = state.lastScrape;
    state.lastScrape = now;
    const stats = (this.#gateway.runtime.upstreams.get(config.name) as { stats?: PoolStatsLike } | undefined)?.stats;
    if (stats !== undefined && stats.queued > 0) {
      this.#timeline.add({ kind: 'fpm-saturated', start: since, end: now, source: config.name, detail: `${stats.queued} requests queued for ${stats.max} php-fpm slots` });
    }
    if (config.status !== undefined) await this.#scrape(config, state, since, now);
    if (state.tail !== undefined) await this.#readSlowlog(config.name, state);
  }

  async #scrape(config: FastcgiUpstreamConfig, state: FpmState, since: number, now: number): Promise<void> {
    try {
      const status = await fetchFpmStatus(config.address, config.status as string, SCRAPE_TIMEOUT_MS);
      const before = state.status;
      const reached = before !== undefined && status.maxChildrenReached > before.maxChildrenReached;
      if (status.listenQueue > 0 || reached) {
        const why = status.listenQueue > 0 ? `php-fpm listen queue ${status.listenQueue}` : 'php-fpm reached max children';
        this.#timeline.add({ kind: 'fpm-saturated', start: since, end: now, source: config.name, detail: why });
      }
      state.status = status;
      if (state.failing) this.#log.info({ upstream: config.name }, 'php-fpm status page readable again');
      state.failing = false;
    } catch (err) {
      state.status = undefined;
      state.scrapeErrors++;
      if (!state.failing) this.#log.warn({ upstream: config.name, status: config.status, detail: (err as Error).message }, 'cannot read the php-fpm status page; switchyard_fpm_* gauges are absent until it answers');
      state.failing = true;
    }
  }

  async #readSlowlog(upstream: string, state: FpmState): Promise<void> {
    const tail = state.tail as SlowlogTail;
    try {
      const { entries, rotated } = await tail.poll();
      if (rotated) this.#log.info({ upstream, slowlog: tail.path }, 'php-fpm slowlog rotated; reading the new file from its start');
      for (const e of entries) {
        state.slowlogEntries++;
        // The entry is written request_slowlog_timeout into the request; second precision.
        this.#timeline.add({ kind: 'fpm-slowlog', start: e.at, end: e.at + 1_000, source: upstream, detail: `pid ${e.pid} ${e.script}${e.frame === '' ? '' : ` at ${e.frame}`}` });
      }
    } catch (err) {
      this.#log.warn({ upstream, slowlog: tail.path, detail: (err as Error).message }, 'cannot read the php-fpm slowlog');
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
