/**
 * A route's shadow, the ShadowTap of src/delivery/shadow-tap.ts: the client is served by the
 * baseline exactly as without it, and once the client's response has been delivered whole, a
 * sampled copy of the request goes to the target and the answers are compared. Everything the
 * shadow does happens after the client's last byte is out and is bounded: `maxConcurrent` copies
 * at most (one more is not made), `timeout` each, `maxBodySize` of every body read (a bigger one
 * gives no comparison and is cut off), and only a few while clients keep the event loop busy
 * (their throughput comes first). When the target differs, a second baseline sample (safe
 * methods only) tells which differences are noise; once a field is known noise, differences in
 * it alone are judged from what is known, with a fresh sample now and then (shadow-record.ts). A timeout, a failed or cut-off answer on
 * either side is no data, never a match.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ShadowConfig } from '../../config/types.js';
import type { Exchange } from '../../listener/exchange.js';
import type { Upstream } from '../../upstream/upstream.js';
import type { ShadowCounts, ShadowTap } from '../shadow-tap.js';
import { BaselineCapture } from './baseline-capture.js';
import type { CapturedResponse } from './captured-response.js';
import { compareResponses } from './compare-responses.js';
import { sendCopy, type CopyOutcome } from './copy-exchange.js';
import { ShadowRecord } from './shadow-record.js';
import { eventLoopLoad } from './event-loop-load.js';
import type { ShadowRouteView } from './shadow-view.js';

/** Methods a second baseline sample may be sent for: they change nothing (RFC 9110 §9.2.1). */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * How the shadow gives way to clients. A copy costs the gateway about what proxying a request
 * does (bench:shadow), on the loop that serves clients. So while other requests of the route are
 * being served, or were within the last OVERLAP_MS, and the event loop has lately been more than
 * CALM busy (event-loop-load.ts), exactly one request in UNDER_LOAD is copied (the others count
 * as `busy`): under saturation the shadow then costs clients a few percent, and still compares a
 * steady sample (at 8,000 req/s, 125 a second). One in 16 cost 15% of req/s at saturation and
 * raised p99 by a third in bench:shadow; one in 64 cost 7-9% with no p99 increase. "Within the
 * last OVERLAP_MS" because at saturation a fifth of the requests still arrive when no other is
 * in the gateway (the others are on their way back to their clients) and were all copied. A lone client, requests that do not overlap, or a calm loop wait on no
 * one: every sampled request is copied.
 */
const CALM = 0.3;
export const UNDER_LOAD = 64;
const OVERLAP_MS = 100;

type Serve = (exchange: Exchange) => Promise<void>;

export interface RouteShadowOptions {
  /** The route's name. */
  readonly route: string;
  readonly config: ShadowConfig;
  readonly target: Upstream;
  readonly log: Logger;
  /** What the shadow found so far, kept over a reload that left the route's shadow unchanged. */
  readonly record?: ShadowRecord | undefined;
}

export class RouteShadow implements ShadowTap {
  readonly config: ShadowConfig;
  readonly record: ShadowRecord;
  readonly #route: string;
  readonly #target: Upstream;
  readonly #log: Logger;
  readonly #methods: ReadonlySet<string>;
  #inFlight = 0;
  /** Counts requests left out under load, so exactly one in UNDER_LOAD is copied. */
  #shed = 0;
  /** When a request of the route last arrived while another was being served (performance.now()). */
  #overlappedAt = -Infinity;
  /** The route's requests being served by the baseline now, this one included. */
  #serving = 0;
  #closed = false;

  constructor(options: RouteShadowOptions) {
    this.config = options.config;
    this.record = options.record ?? new ShadowRecord();
    this.#route = options.route;
    this.#target = options.target;
    this.#log = options.log;
    this.#methods = new Set(options.config.methods);
  }

  wrap(serveBaseline: Serve): Serve {
    const served = () => this.#serving--;
    return (exchange) => {
      if (++this.#serving > 1) this.#overlappedAt = performance.now();
      if (!this.#wanted(exchange)) return serveBaseline(exchange).finally(served);
      const capture = new BaselineCapture(exchange, this.config.compare.headers, this.config.maxBodySize);
      const serving = serveBaseline(exchange).finally(served);
      // Nothing more happens on the client's time: the copy leaves once its response is out.
      serving.then(
        () =>
          void capture.done.then((baseline) => {
            if (baseline !== undefined) void this.#shadow(exchange, baseline, serveBaseline);
          }),
        () => {},
      );
      return serving;
    };
  }

  counts(): ShadowCounts {
    return { compared: this.record.compared, mismatched: this.record.mismatched };
  }

  close(): void {
    this.#closed = true;
  }

  view(): ShadowRouteView {
    return this.record.view(this.#route, this.config.to);
  }

  #wanted(exchange: Exchange): boolean {
    if (this.#closed || exchange.upgradeHead !== undefined || !BaselineCapture.possible(exchange)) return false;
    if (!this.#methods.has(exchange.req.method ?? 'GET')) return false;
    if (this.config.sample < 1 && Math.random() >= this.config.sample) return false;
    // A body is copied only when a filter already holds it whole (the shield does on PHP routes).
    const { headers } = exchange.req;
    if (headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')) {
      if (exchange.body === undefined || exchange.body.length > this.config.maxBodySize) return false;
    }
    if (this.#inFlight >= this.config.maxConcurrent) {
      this.record.noData.overCapacity++;
      return false;
    }
    if (performance.now() - this.#overlappedAt < OVERLAP_MS && eventLoopLoad.utilization() > CALM) {
      this.#shed = (this.#shed + 1) % UNDER_LOAD;
      if (this.#shed !== 0) {
        this.record.noData.busy++;
        return false;
      }
    }
    return true;
  }

  async #shadow(exchange: Exchange, baseline: CapturedResponse, serveBaseline: Serve): Promise<void> {
    if (this.#closed) return;
    if (this.#inFlight >= this.config.maxConcurrent) {
      this.record.noData.overCapacity++;
      return;
    }
    this.#inFlight++;
    try {
      const options = { headerNames: this.config.compare.headers, maxBodySize: this.config.maxBodySize, timeout: this.config.timeout, log: this.#log };
      const target = await sendCopy(exchange, (e) => this.#target.handle(e), { ...options, purpose: 'target' });
      if (this.#noData(target) || this.#closed) return;
      const differences = compareResponses(baseline, target.response, this.config.compare);
      const method = exchange.req.method ?? 'GET';
      let noise;
      if (differences.length > 0 && SAFE.has(method) && this.record.wantsNoiseSample(differences)) {
        const second = await sendCopy(exchange, serveBaseline, { ...options, purpose: 'baseline' });
        if (this.#noData(second) || this.#closed) return;
        noise = compareResponses(baseline, second.response, this.config.compare);
      }
      this.record.record({ requestId: exchange.id, method, path: exchange.path }, differences, noise, this.config.compare.mask);
    } catch (err) {
      this.#log.warn({ err, route: this.#route }, 'shadow comparison failed');
    } finally {
      this.#inFlight--;
    }
  }

  #noData(outcome: CopyOutcome): outcome is Exclude<CopyOutcome, { kind: 'answered' }> {
    if (outcome.kind === 'answered') return false;
    this.record.noData[outcome.kind]++;
    return true;
  }
}
