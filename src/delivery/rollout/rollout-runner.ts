/**
 * One route's rollout as this process takes part in it: it keeps the state it last read (the
 * weight the route's terminal uses), counts the responses it served into the current window
 * and hands them to the store, and, every `interval`, when it holds the lease, judges the window
 * from every process's samples and writes the transition. The others read the state at least
 * every second, so a rollback reaches every process within a second.
 */
import type { Logger } from 'pino';
import type { RolloutConfig } from '../../config/types.js';
import type { ShadowCounts } from '../shadow-tap.js';
import type { RolloutStore } from '../store/store.js';
import { errorRateCheck, latencyCheck, shadowMismatchCheck, type CheckOutcome } from './checks.js';
import { prometheusCheck } from './prometheus.js';
import { emptySamples, isEmpty, mergeSamples, recordResponse, type StepSamples } from './samples.js';
import { fingerprint, initialRecord, isActive, judge, type RolloutRecord } from './rollout-state.js';

/** How often a process reads the state and hands over its samples, at most. */
const REFRESH_MS = 1_000;

export class RolloutRunner {
  readonly route: string;
  #config: RolloutConfig;
  #record: RolloutRecord | undefined;
  /** Samples not yet in the store, per window. */
  #pending = new Map<number, StepSamples>();
  #shadow: (() => ShadowCounts) | undefined;
  #shadowSeen: ShadowCounts = { compared: 0, mismatched: 0 };
  #lastJudged = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastProblem = '';
  readonly #owner: string;
  readonly #log: Logger;

  constructor(route: string, config: RolloutConfig, owner: string, log: Logger) {
    this.route = route;
    this.#config = config;
    this.#owner = owner;
    this.#log = log;
  }

  get config(): RolloutConfig {
    return this.#config;
  }

  /** A reload: same route, maybe other checks or interval; a new canary or steps is a new rollout (fingerprint). */
  reconfigure(config: RolloutConfig, shadow: (() => ShadowCounts) | undefined): void {
    this.#config = config;
    if (shadow !== this.#shadow) this.#shadowSeen = shadow?.() ?? { compared: 0, mismatched: 0 };
    this.#shadow = shadow;
    if (this.#record !== undefined && this.#record.fingerprint !== fingerprint(config)) this.#record = undefined;
  }

  /** Percent of requests to the canary now; 0 until the state has been read. */
  get weight(): number {
    return this.#record?.weight ?? 0;
  }

  get record(): RolloutRecord | undefined {
    return this.#record;
  }

  /** The state an operator's action just wrote here: the weight changes now, not on the next look. */
  adopt(record: RolloutRecord): void {
    this.#record = record;
  }

  /** A response of the route, not forced to a side. */
  count(canary: boolean, status: number, ms: number): void {
    const record = this.#record;
    if (record === undefined || !isActive(record)) return;
    let window = this.#pending.get(record.epoch);
    if (window === undefined) this.#pending.set(record.epoch, (window = emptySamples()));
    recordResponse(window, canary, status, ms);
  }

  /** `store` is asked on every look: a store that could not be opened is tried again. */
  start(store: () => Promise<RolloutStore>): void {
    const tick = () => {
      this.#running = this.tick(store())
        .catch((err: unknown) => {
          const message = (err as Error).message;
          if (message !== this.#lastProblem) this.#log.warn({ route: this.route, err: message }, 'rollout: cannot reach the state store');
          this.#lastProblem = message;
        })
        .finally(() => {
          this.#running = undefined;
          if (this.#timer !== undefined) this.#timer = setTimeout(tick, Math.min(REFRESH_MS, this.#config.interval)).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Hands over samples, reads the state and, when due and holding the lease, judges. */
  async tick(storePromise: Promise<RolloutStore>): Promise<void> {
    const store = await storePromise;
    this.#takeShadowCounts();
    for (const [epoch, samples] of this.#pending) {
      this.#pending.delete(epoch);
      if (!isEmpty(samples)) await store.addSamples(this.route, epoch, samples);
    }
    const now = Date.now();
    const wanted = fingerprint(this.#config);
    let record = await store.read(this.route);
    if (record === undefined || record.fingerprint !== wanted) {
      record = await store.update(this.route, (current) => (current !== undefined && current.fingerprint === wanted ? undefined : initialRecord(this.#config, now)));
    }
    this.#record = record;
    this.#lastProblem = '';
    if (record === undefined || !isActive(record) || now - this.#lastJudged < this.#config.interval) return;
    if (!(await store.lease(this.route, this.#owner, this.#config.interval * 3))) return;
    this.#lastJudged = now;
    const samples = await store.samples(this.route, record.epoch);
    const outcomes = await this.#checks(samples);
    const judgedEpoch = record.epoch;
    const config = this.#config;
    this.#record = await store.update(this.route, (current) =>
      current !== undefined && current.epoch === judgedEpoch && isActive(current) ? judge(config, current, { outcomes, canarySamples: samples.canary.n }, Date.now()) : undefined,
    );
    const last = this.#record?.decisions.at(-1);
    if (last !== undefined && last.action !== 'hold') this.#log.info({ route: this.route, action: last.action, step: last.step, metric: last.metric, weight: this.#record?.weight }, `rollout ${last.action}`);
  }

  async #checks(samples: StepSamples): Promise<(CheckOutcome & { detail?: string })[]> {
    return Promise.all(
      this.#config.analysis.map(async (check) => {
        switch (check.metric) {
          case 'errorRate':
            return errorRateCheck(samples, check.maxIncrease);
          case 'latencyP99':
            return latencyCheck(samples, check.maxRatio);
          case 'shadowMismatch':
            return shadowMismatchCheck(samples, check.max);
          case 'prometheus':
            return prometheusCheck(check);
        }
      }),
    );
  }

  /** The shadow tap's counts since the last look go into the current window (a tap made anew restarts at 0). */
  #takeShadowCounts(): void {
    const record = this.#record;
    if (this.#shadow === undefined || record === undefined) return;
    const now = this.#shadow();
    const seen = now.compared < this.#shadowSeen.compared ? { compared: 0, mismatched: 0 } : this.#shadowSeen;
    this.#shadowSeen = now;
    if (!isActive(record) || now.compared === seen.compared) return;
    const delta = emptySamples();
    delta.shadow.compared = now.compared - seen.compared;
    delta.shadow.mismatched = now.mismatched - seen.mismatched;
    let window = this.#pending.get(record.epoch);
    if (window === undefined) this.#pending.set(record.epoch, (window = emptySamples()));
    mergeSamples(window, delta);
  }
}
