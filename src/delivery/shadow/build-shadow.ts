/**
 * A route's shadow made from its config at load time. On a reload that leaves the route's
 * shadow config as it was, the new shadow keeps counting where the old one was (the same
 * record), as upstreams are taken over unchanged.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { ShadowConfig } from '../../config/types.js';
import type { Upstream } from '../../upstream/upstream.js';
import { RouteShadow } from './route-shadow.js';

/** Undefined when the target does not exist (a load problem already reported for `shadow.to`). */
export function routeShadow(route: string, config: ShadowConfig, upstreams: ReadonlyMap<string, Upstream>, previous: ReadonlyMap<string, RouteShadow> | undefined, log: Logger): RouteShadow | undefined {
  const target = upstreams.get(config.to);
  if (target === undefined) return undefined;
  const before = previous?.get(route);
  const record = before !== undefined && isDeepStrictEqual(before.config, config) ? before.record : undefined;
  return new RouteShadow({ route, config, target, log, record });
}
