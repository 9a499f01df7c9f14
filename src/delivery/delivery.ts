/**
 * Progressive delivery in one process: the rollouts of the running config (one RolloutRunner per
 * route with `rollout:`), the state store they share, and what the admin API asks of them. Made
 * once and handed from runtime to runtime on reload (like unchanged upstreams), so a reload
 * neither restarts a rollout nor loses its samples. Nothing reads or writes the store until
 * `start()`: the config check of `serve --workers N`'s primary and `validate` build runtimes too.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { GatewayConfig, StateConfig } from '../config/types.js';
import { SwitchyardError } from '../errors.js';
import type { ShadowTap } from './shadow-tap.js';
import { openStore, type RolloutStore } from './store/store.js';
import { RolloutRunner } from './rollout/rollout-runner.js';
import { initialRecord, operate, fingerprint, type OperatorAction, type RolloutRecord } from './rollout/rollout-state.js';

/** One rollout as GET /admin/rollouts shows it (SPEC section 6). */
export interface RolloutView {
  readonly route: string;
  readonly canary: string;
  readonly state: RolloutRecord['state'];
  readonly step: number;
  readonly weight: number;
  readonly steps: readonly { readonly weight: number; readonly hold: number; readonly minSamples: number }[];
  readonly decisions: RolloutRecord['decisions'];
}

export class Delivery {
  readonly #log: Logger;
  readonly #owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly #runners = new Map<string, RolloutRunner>();
  #state: StateConfig | undefined;
  #store: Promise<RolloutStore> | undefined;
  #started = false;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** The rollouts of a (re)loaded config; `taps` are the shadows by route name, read by shadowMismatch. */
  configure(config: GatewayConfig, taps: ReadonlyMap<string, ShadowTap>): void {
    const wanted = new Map(config.routes.filter((r) => r.rollout !== undefined && r.name !== undefined).map((r) => [r.name as string, r]));
    for (const [name, runner] of this.#runners) {
      if (wanted.has(name)) continue;
      this.#runners.delete(name);
      void runner.stop();
    }
    if (this.#state !== undefined && !isDeepStrictEqual(this.#state, config.state)) {
      // Another store: the runners ask for it on their next look.
      const old = this.#store;
      this.#store = undefined;
      void old?.then((s) => s.close(), () => {});
    }
    this.#state = config.state;
    for (const [name, route] of wanted) {
      const rollout = route.rollout as NonNullable<typeof route.rollout>;
      const tap = taps.get(name);
      let runner = this.#runners.get(name);
      const isNew = runner === undefined;
      runner ??= new RolloutRunner(name, rollout, this.#owner, this.#log);
      this.#runners.set(name, runner);
      runner.reconfigure(rollout, tap === undefined ? undefined : () => tap.counts());
      if (isNew && this.#started) runner.start(() => this.#openStore());
    }
  }

  /** Opens the store and starts every rollout's loop. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const runner of this.#runners.values()) runner.start(() => this.#openStore());
  }

  async close(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#runners.values()].map((r) => r.stop()));
    const store = this.#store;
    this.#store = undefined;
    await store?.then((s) => s.close(), () => {});
  }

  /** The runner a route's terminal asks for its weight and tells its responses. */
  runner(route: string): RolloutRunner | undefined {
    return this.#runners.get(route);
  }

  /** Every rollout, read fresh from the store (another process or instance may have moved it). */
  async list(): Promise<RolloutView[]> {
    if (this.#runners.size === 0) return [];
    const store = await this.#openStore();
    const views: RolloutView[] = [];
    for (const runner of this.#runners.values()) {
      const record = await store.read(runner.route);
      views.push(view(runner, record !== undefined && record.fingerprint === fingerprint(runner.config) ? record : initialRecord(runner.config, Date.now())));
    }
    return views;
  }

  /** An operator's action, written to the store; SY_ERR_ROLLOUT_CONFLICT when the state forbids it. */
  async act(route: string, action: OperatorAction, full: boolean): Promise<RolloutView> {
    const runner = this.#runners.get(route);
    if (runner === undefined) {
      const names = [...this.#runners.keys()];
      throw new SwitchyardError('SY_ERR_ROLLOUT_NOT_FOUND', `no rollout on a route named '${route}'${names.length > 0 ? ` (rollouts: ${names.join(', ')})` : ''}`);
    }
    const store = await this.#openStore();
    const config = runner.config;
    let refusal: string | undefined;
    const record = await store.update(route, (current) => {
      const base = current !== undefined && current.fingerprint === fingerprint(config) ? current : initialRecord(config, Date.now());
      const next = operate(config, base, action, full, Date.now());
      if (typeof next === 'string') {
        refusal = next;
        return undefined;
      }
      return next;
    });
    if (refusal !== undefined) throw new SwitchyardError('SY_ERR_ROLLOUT_CONFLICT', `${route}: ${refusal}`);
    runner.adopt(record as RolloutRecord);
    this.#log.info({ route, action, full, state: record?.state, weight: record?.weight }, `rollout ${action} by operator`);
    return view(runner, record as RolloutRecord);
  }

  #openStore(): Promise<RolloutStore> {
    if (this.#store === undefined) {
      const state = this.#state;
      if (state === undefined) return Promise.reject(new SwitchyardError('SY_ERR_ROLLOUT_STORE', 'no state store configured'));
      this.#store = openStore(state);
      // A store that cannot be opened is tried again on the next look.
      this.#store.catch(() => (this.#store = undefined));
    }
    return this.#store;
  }
}

function view(runner: RolloutRunner, record: RolloutRecord): RolloutView {
  const config = runner.config;
  return { route: runner.route, canary: config.canary, state: record.state, step: record.step, weight: record.weight, steps: config.steps, decisions: record.decisions };
}
