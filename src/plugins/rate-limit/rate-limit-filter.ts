/**
 * `type: rateLimit`: a token bucket per key (SPEC section 13).
 *
 *   middleware:
 *     limit: { type: rateLimit, rate: 100/s, burst: 200, key: ip, store: memory }
 *
 * Options (defaults in DEFAULTS): `rate` (`N/s`, `N/m`, `N/h`, required), `burst` (bucket size;
 * default N of the rate), `key` (`ip`, `route`, `header:<name>`, `claim:<name>`), `store`
 * (`memory`: one count per gateway instance, shared by its workers; `redis://...`: shared by every
 * instance, per middleware name), `trustedProxies` (CIDRs whose `X-Forwarded-For` is believed),
 * `onStoreError` (`open` lets the request through, `closed` answers 503; logged either way, at most
 * once per second) and `storeTimeout` (how long a Redis answer may take).
 *
 * Every answer carries RateLimit-Limit, -Remaining and -Reset; a refused one is a 429 problem with
 * Retry-After.
 */
import cluster from 'node:cluster';
import type { Filter, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { parseDuration, parseRate } from '../../config/units.js';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';
import { AddressSet, cidrProblem } from '../net/address-set.js';
import type { Decision, RateLimitStore } from './decision.js';
import { KEY_SYNTAX, keyOf } from './rate-limit-key.js';
import { MemoryStore } from './memory-store.js';
import { LeasedStore } from './leased-store.js';
import { PrimaryLeaseSource } from './lease-source.js';
import { RedisGrantSource, redactedUrl } from './redis-store.js';

export interface RateLimitOptions {
  rate: string;
  burst?: number;
  key?: string;
  store?: string;
  trustedProxies?: string[];
  onStoreError?: 'open' | 'closed';
  storeTimeout?: string | number;
}

export const DEFAULTS = { key: 'ip', store: 'memory', onStoreError: 'open', storeTimeout: '100ms' } as const;
const LOG_EVERY_MS = 1_000;

const schemaCheck = optionsChecker({
  required: ['rate'],
  properties: {
    rate: { type: 'string' },
    burst: { type: 'integer', minimum: 1 },
    key: { type: 'string' },
    store: { type: 'string' },
    trustedProxies: { type: 'array', items: { type: 'string' } },
    onStoreError: { enum: ['open', 'closed'] },
    storeTimeout: { type: ['string', 'number'] },
  },
});

export const rateLimitFilter = {
  type: 'rateLimit',
  check(options) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as unknown as RateLimitOptions;
    const out: FilterProblem[] = [];
    const perSecond = parseRate(o.rate);
    if (perSecond === undefined || perSecond <= 0) out.push({ segments: ['rate'], message: `'${o.rate}' is not a rate such as 100/s, 6000/m or 10000/h` });
    if (o.key !== undefined && !KEY_SYNTAX.test(o.key)) out.push({ segments: ['key'], message: `'${o.key}' is not ip, route, header:<name> or claim:<name>` });
    const store = o.store ?? DEFAULTS.store;
    if (store !== 'memory' && !/^rediss?:\/\/[^\s]+$/.test(store)) out.push({ segments: ['store'], message: `'${store}' is neither memory nor a redis:// URL` });
    if (o.storeTimeout !== undefined && (parseDuration(o.storeTimeout) ?? 0) <= 0) out.push({ segments: ['storeTimeout'], message: `'${o.storeTimeout}' is not a duration above zero` });
    (o.trustedProxies ?? []).forEach((cidr, i) => {
      const problem = cidrProblem(cidr);
      if (problem !== undefined) out.push({ segments: ['trustedProxies', i], message: problem });
    });
    return out;
  },
  create(options, context): Filter {
    const perSecond = parseRate(options.rate) as number;
    const burst = options.burst ?? Math.max(1, Math.floor(Number(options.rate.split('/')[0])));
    const key = keyOf(options.key ?? DEFAULTS.key, options.trustedProxies === undefined ? undefined : new AddressSet(options.trustedProxies));
    const storeUrl = options.store ?? DEFAULTS.store;
    const store = storeUrl === 'memory' ? memoryStore(context.processes) : new LeasedStore(new RedisGrantSource(storeUrl, parseDuration(options.storeTimeout ?? DEFAULTS.storeTimeout) as number));
    const failOpen = (options.onStoreError ?? DEFAULTS.onStoreError) === 'open';
    const { name, log } = context;
    let loggedAt = 0;
    const storeFailed = (err: unknown): void => {
      const now = Date.now();
      if (now - loggedAt < LOG_EVERY_MS) return;
      loggedAt = now;
      log.error({ err, middleware: name, store: storeUrl === 'memory' ? 'memory' : redactedUrl(storeUrl), failOpen }, `rate-limit store failed; requests are ${failOpen ? 'let through' : 'refused'}`);
    };
    return async (exchange, next) => {
      let decision: Decision;
      try {
        decision = await store.take(name, key(exchange), perSecond, burst);
      } catch (err) {
        if (!isSwitchyardError(err)) throw err;
        storeFailed(err);
        if (failOpen) return next();
        throw new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', `middleware '${name}' cannot count this request: ${err.message}`);
      }
      setHeaders(exchange, decision);
      if (!decision.allowed) {
        throw new SwitchyardError('SY_ERR_RATE_LIMITED', `rate limit '${name}' of ${options.rate} (burst ${burst}) exceeded; retry in ${decision.retryAfterSeconds} s`, {
          headers: { 'retry-after': String(decision.retryAfterSeconds) },
        });
      }
      return next();
    };
  },
} satisfies FilterFactory<RateLimitOptions>;

/** Fields the gateway merges into whatever response goes out (proxied, problem or static). */
function setHeaders(exchange: Exchange, d: Decision): void {
  const res = exchange.res;
  res.setHeader('ratelimit-limit', String(d.limit));
  res.setHeader('ratelimit-remaining', String(d.remaining));
  res.setHeader('ratelimit-reset', String(d.resetSeconds));
}

let shared: RateLimitStore | undefined;

/** One per process: in a worker of several the primary's ledger counts, else this process does. */
function memoryStore(processes: number): RateLimitStore {
  shared ??= cluster.isWorker && processes > 1 && process.send !== undefined ? new LeasedStore(new PrimaryLeaseSource(processes)) : new MemoryStore();
  return shared;
}
