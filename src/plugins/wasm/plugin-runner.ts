/**
 * The gateway's side of one plugin: its VM thread, the callbacks waiting for it, and the limits.
 * Callbacks run one at a time in the order sent (the VM thread takes them in order); the oldest
 * unanswered one has the time budget from when the one before it was answered. A callback over
 * budget gets the thread terminated (which interrupts a running module), is answered `timeout`,
 * and those sent after it go to a fresh thread. A module that traps is replaced on its own
 * thread. Either way the contexts of the old instance are lost; the gateway's thread never waits.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { performHttpCall } from './http-call.js';
import type { Call, Effect, Failure, FromVm, HttpCallOut, LogLine, MetricOp, Outcome, ToVm, VmInit, VmWorkerData } from './messages.js';
import { LOG_LEVELS } from './abi.js';
import { wasmMetrics, type WasmMetricFamily } from './wasm-metrics.js';
import { workerScript } from '../../runtime/resources.js';

export type CallResult = Outcome | Failure | { readonly ok: false; readonly reason: 'timeout' | 'unavailable'; readonly message: string; readonly logs: LogLine[] };

interface Pending {
  readonly call: Call;
  readonly log: Logger;
  readonly resolve: (result: CallResult) => void;
}

interface Channel {
  effects: Effect[];
  wake: (() => void) | undefined;
}

export interface RunnerOptions {
  readonly init: VmInit;
  readonly name: string;
  /** Per-callback budget, ms. */
  readonly budget: number;
  /** Base URLs by the upstream names `proxy_http_call` may use. */
  readonly upstreams: ReadonlyMap<string, string>;
  readonly log: Logger;
}

/** The VM thread's script, looked up when a VM starts (from the executable, that writes it out). */
const workerUrl = () => workerScript(new URL('./vm-worker.js', import.meta.url), 'wasm-vm.mjs');
/** How long finished contexts wait for a callback to ride on before they are sent alone, ms. */
const FINISH_DELAY = 20;
/** The VM thread's own JavaScript heap; the module's memory is capped by `maxMemory` apart. */
const WORKER_HEAP_MB = 32;

export class PluginRunner {
  readonly #options: RunnerOptions;
  #worker: Worker | undefined;
  #ready = false;
  #spawnedAt = 0;
  /** Not sent yet: gathered for one event-loop turn and sent as one message. */
  #pending: Pending[] = [];
  /** Sent and not answered, oldest first. */
  #inflight: Pending[] = [];
  #sendScheduled = false;
  /** The VM thread counts the callbacks it starts here (Int32 [started]); answered ones are counted below. */
  #progress = new Int32Array(new SharedArrayBuffer(4));
  #answered = 0;
  #lastStarted = 0;
  #progressSince = 0;
  #check: NodeJS.Timeout | undefined;
  #tick: NodeJS.Timeout | undefined;
  #tickQueued = false;
  readonly #channels = new Map<number, Channel>();
  readonly #metricIds = new Map<number, WasmMetricFamily | undefined>();
  #nextContext: number;
  #finishes: number[] = [];
  #flush: NodeJS.Timeout | undefined;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#nextContext = options.init.rootContextId + 1;
  }

  /** A new HTTP context id, whose effects are kept until `finish`. */
  open(): number {
    const id = this.#nextContext++;
    this.#channels.set(id, { effects: [], wake: undefined });
    return id;
  }

  /** Effects other callbacks (or this one) had on `ctx`, taken. */
  takeEffects(ctx: number): Effect[] {
    const channel = this.#channels.get(ctx);
    if (channel === undefined || channel.effects.length === 0) return [];
    const out = channel.effects;
    channel.effects = [];
    return out;
  }

  /** Resolves when an effect reaches `ctx` (or `signal` aborts). */
  waitForEffect(ctx: number, signal: AbortSignal): Promise<void> {
    const channel = this.#channels.get(ctx);
    if (channel === undefined || channel.effects.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        channel.wake = undefined;
        resolve();
      };
      channel.wake = done;
      signal.addEventListener('abort', done);
    });
  }

  call(call: Call, log: Logger): Promise<CallResult> {
    return new Promise((resolve) => {
      this.#pending.push({ call, log, resolve });
      if (this.#worker === undefined) this.#spawn();
      else this.#scheduleSend();
      this.#watch();
    });
  }

  /**
   * The request of `ctx` is over: its proxy_on_done / proxy_on_log / proxy_on_delete run with the
   * next callbacks sent (under their budget), or after a moment when none come.
   */
  finish(ctx: number): void {
    this.#channels.delete(ctx);
    this.#finishes.push(ctx);
    if (this.#flush === undefined) {
      this.#flush = setTimeout(() => {
        this.#flush = undefined;
        const last = this.#finishes.pop();
        if (last !== undefined) void this.call({ kind: 'finish', ctx: last }, this.#options.log);
      }, FINISH_DELAY);
      this.#flush.unref();
    }
  }

  /** Stops the VM thread and the timers. */
  close(): void {
    if (this.#tick !== undefined) clearInterval(this.#tick);
    this.#tick = undefined;
    void this.#worker?.terminate();
    this.#worker = undefined;
  }

  /**
   * One message at a time is out to the VM thread: callbacks asked for meanwhile (and those of
   * one event-loop turn) leave together when it comes back, as one message answered by one. A
   * message between threads costs far more than a header callback, so under load its cost is
   * shared by many, and an idle plugin still sends at once.
   */
  #scheduleSend(): void {
    if (this.#sendScheduled || !this.#ready || this.#inflight.length > 0) return;
    this.#sendScheduled = true;
    setImmediate(() => {
      this.#sendScheduled = false;
      this.#send();
    });
  }

  #send(): void {
    const worker = this.#worker;
    if (worker === undefined || !this.#ready || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    if (this.#inflight.length === 0) this.#progressSince = performance.now();
    this.#inflight.push(...batch);
    const finishes = this.#finishes;
    if (finishes.length > 0) this.#finishes = [];
    worker.postMessage({ op: 'call', calls: batch.map((p) => p.call), finishes } satisfies ToVm);
  }

  #spawn(): void {
    this.#progress = new Int32Array(new SharedArrayBuffer(4));
    this.#answered = 0;
    this.#lastStarted = 0;
    const workerData: VmWorkerData = { init: this.#options.init, trial: false, signal: undefined, progress: this.#progress.buffer as SharedArrayBuffer };
    const worker = new Worker(workerUrl(), { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
    this.#worker = worker;
    this.#ready = false;
    this.#spawnedAt = performance.now();
    worker.on('message', (message: FromVm) => this.#onMessage(worker, message));
    worker.on('error', (err) => this.#lose(worker, `the filter's thread failed: ${err.message}`));
    worker.on('exit', () => this.#lose(worker, "the filter's thread exited"));
    // After the listeners, which would ref it again: an idle plugin never keeps the process up.
    worker.unref();
  }

  #onMessage(worker: Worker, message: FromVm): void {
    if (worker !== this.#worker) return;
    const log = this.#options.log;
    if (message.op === 'ready') {
      this.#ready = true;
      this.#applyOutput(message.logs, message.metrics, message.tickPeriod, log);
      this.#send();
      return;
    }
    if (message.op === 'init-failed') {
      log.error({ plugin: this.#options.name, reason: message.message }, 'wasm plugin failed to start');
      this.#worker = undefined;
      void worker.terminate();
      this.#failAll('unavailable', `the filter could not start: ${message.message}`);
      return;
    }
    for (const outcome of message.outcomes) {
      const head = this.#inflight.shift();
      this.#answered++;
      if (head === undefined) continue;
      if (outcome.ok) {
        this.#applyOutput(outcome.logs, outcome.metrics, outcome.tickPeriod, head.log);
        if (outcome.effects !== undefined) for (const effect of outcome.effects) this.#deliver(effect);
        if (outcome.calls !== undefined) for (const call of outcome.calls) void this.#httpCall(call);
      } else {
        this.#writeLogs(outcome.logs, head.log);
        if (outcome.reason === 'trap') head.log.error({ plugin: this.#options.name, reason: outcome.message }, 'wasm filter trapped; its instance was replaced');
      }
      head.resolve(outcome);
    }
    if (this.#inflight.length === 0) this.#send();
  }

  #applyOutput(logs: LogLine[] | undefined, metrics: MetricOp[] | undefined, tickPeriod: number | undefined, log: Logger): void {
    if (logs !== undefined) this.#writeLogs(logs, log);
    if (metrics !== undefined && metrics.length > 0) wasmMetrics.apply(this.#options.name, metrics, this.#metricIds, log);
    if (tickPeriod !== undefined) this.#setTick(tickPeriod);
  }

  #writeLogs(logs: LogLine[], log: Logger): void {
    for (const line of logs) log[LOG_LEVELS[line.level] ?? 'info']({ plugin: this.#options.name }, line.message);
  }

  #deliver(effect: Effect): void {
    const channel = this.#channels.get(effect.ctx);
    if (channel === undefined) return;
    channel.effects.push(effect);
    channel.wake?.();
  }

  async #httpCall(call: HttpCallOut): Promise<void> {
    const base = this.#options.upstreams.get(call.upstream) as string;
    const result = await performHttpCall(base, call);
    await this.call({ kind: 'http_call_response', token: call.token, ...result }, this.#options.log);
  }

  #setTick(period: number): void {
    if (this.#tick !== undefined) clearInterval(this.#tick);
    this.#tick = undefined;
    if (period === 0) return;
    this.#tick = setInterval(() => {
      if (this.#tickQueued) return;
      this.#tickQueued = true;
      void this.call({ kind: 'tick' }, this.#options.log).then(() => (this.#tickQueued = false));
    }, period);
    this.#tick.unref();
  }

  /**
   * Checks the budget while callbacks are outstanding: the VM thread counts each callback it
   * starts, so a count that has not moved for longer than the budget while callbacks wait names
   * the one running (the `started`-th since the thread began, of which `answered` came back).
   */
  #watch(): void {
    if (this.#check !== undefined) return;
    const every = Math.max(2, Math.min(50, Math.floor(this.#options.budget / 4)));
    this.#check = setInterval(() => {
      if (this.#inflight.length === 0 && this.#pending.length === 0) {
        clearInterval(this.#check);
        this.#check = undefined;
        return;
      }
      const now = performance.now();
      const worker = this.#worker;
      if (worker === undefined) return;
      if (!this.#ready) {
        // Starting a fresh instance (instantiate, _start, configure) gets its own, larger allowance.
        if (now - this.#spawnedAt > Math.max(1000, this.#options.budget * 10)) {
          this.#worker = undefined;
          void worker.terminate();
          this.#failAll('unavailable', 'the filter did not start in time');
        }
        return;
      }
      const started = Atomics.load(this.#progress, 0);
      if (started !== this.#lastStarted || this.#inflight.length === 0) {
        this.#lastStarted = started;
        this.#progressSince = now;
        return;
      }
      const running = started - this.#answered - 1;
      if (running < 0 || now - this.#progressSince <= this.#options.budget) return;
      const stuck = this.#inflight[running] as Pending;
      // The others (before it in its message, whose answers die with the thread, and after it)
      // go to a fresh thread.
      this.#pending = [...this.#inflight.filter((p) => p !== stuck), ...this.#pending];
      this.#inflight = [];
      this.#worker = undefined;
      void worker.terminate();
      stuck.log.error({ plugin: this.#options.name, budget: this.#options.budget }, 'wasm filter overran its time budget; its thread was stopped and replaced');
      stuck.resolve({ ok: false, reason: 'timeout', message: `the filter ran past its budget of ${this.#options.budget} ms`, logs: [] });
      this.#spawn();
    }, every);
    this.#check.unref();
  }

  #lose(worker: Worker, message: string): void {
    if (worker !== this.#worker) return;
    this.#worker = undefined;
    const inflight = this.#inflight;
    this.#inflight = [];
    for (const p of inflight) p.resolve({ ok: false, reason: 'trap', message, logs: [] });
    if (this.#pending.length > 0) this.#spawn();
  }

  #failAll(reason: 'unavailable', message: string): void {
    const all = [...this.#inflight, ...this.#pending];
    this.#inflight = [];
    this.#pending = [];
    for (const p of all) p.resolve({ ok: false, reason, message, logs: [] });
  }
}

/**
 * Starts the plugin once on a thread of its own and waits for it here, synchronously, for at most
 * `timeout` ms: config loading is synchronous, and a module that does not start must fail it.
 * Returns the reason it did not start, or undefined.
 */
export function trialStart(init: VmInit, timeout: number): string | undefined {
  const signal = new SharedArrayBuffer(8 + 1024);
  const header = new Int32Array(signal, 0, 2);
  const workerData: VmWorkerData = { init, trial: true, signal, progress: undefined };
  const worker = new Worker(workerUrl(), { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
  worker.unref();
  worker.on('error', () => {});
  try {
    if (Atomics.wait(header, 0, 0, timeout) === 'timed-out') return `it did not start within ${timeout} ms (_start, proxy_on_vm_start and proxy_on_configure)`;
    if (Atomics.load(header, 0) === 1) return undefined;
    return Buffer.from(new Uint8Array(signal, 8, Atomics.load(header, 1))).toString('utf8');
  } finally {
    void worker.terminate();
  }
}
