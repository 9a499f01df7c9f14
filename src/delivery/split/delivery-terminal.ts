/**
 * The end of a split, rolled-out or shadowed route's chain: picks the side (pick-side.ts) from
 * the split's weight or the rollout's current one, serves the request there, and marks every
 * answer, errors included, with `x-switchyard-canary: 1|0`. Under a rollout a head hook times
 * the answer (upstream start to response head) and hands status and time to it as a sample.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { RouteConfig } from '../../config/types.js';
import type { Exchange } from '../../listener/exchange.js';
import type { RolloutRunner } from '../rollout/rollout-runner.js';
import { pickSide } from './pick-side.js';

type Serve = (exchange: Exchange) => Promise<void>;

/** A year: the bucket only matters while the route is split. */
const COOKIE_MAX_AGE = 365 * 24 * 3600;

/** `runnerOf` finds the route's runner (made once the whole config is built). */
export function deliveryTerminal(route: RouteConfig, baseline: Serve, canary: Serve | undefined, runnerOf: (() => RolloutRunner | undefined) | undefined): Serve {
  const sticky = route.split?.sticky;
  return async (exchange) => {
    const rollout = runnerOf?.();
    const weight = canary === undefined ? 0 : (rollout?.weight ?? route.split?.weight ?? 0);
    const side = pickSide(exchange.req.headers, weight, sticky);
    const useCanary = side.canary && canary !== undefined;
    // Set as the request id is: every head the exchange writes carries it, a problem's too.
    exchange.res.setHeader('x-switchyard-canary', useCanary ? '1' : '0');
    const newCookie = side.newBucket !== undefined && sticky !== undefined ? `${sticky.name}=${side.newBucket}; Path=/; Max-Age=${COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax` : undefined;
    const counting = rollout !== undefined && !side.forced;
    // A head hook costs the proxied fast path its header pairs: only when there is a cookie to
    // add to the upstream's own Set-Cookie, or an answer to count.
    if (newCookie !== undefined || counting) {
      const started = process.hrtime.bigint();
      exchange.onResponseHead((status, headers) => {
        if (newCookie !== undefined) addCookie(headers, newCookie);
        if (counting) rollout.count(useCanary, status, Number(process.hrtime.bigint() - started) / 1e6);
      });
    }
    await (useCanary ? (canary as Serve)(exchange) : baseline(exchange));
  };
}

function addCookie(headers: OutgoingHttpHeaders, cookie: string): void {
  const existing = headers['set-cookie'];
  headers['set-cookie'] = existing === undefined ? [cookie] : [...(Array.isArray(existing) ? existing : [String(existing)]), cookie];
}
