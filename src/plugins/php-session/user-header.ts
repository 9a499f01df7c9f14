/**
 * The header `phpSession` sets is the gateway's word about who is logged in, so no client may
 * send it: every route's chain starts by removing it (the configured names, and the default
 * X-Switchyard-User even when no phpSession middleware is configured). And it is meant for new
 * services, never for PHP, which has the session itself: a route to a fastcgi upstream that lists
 * a phpSession middleware is a config error.
 */
import type { Filter } from '../../filters/filter.js';
import type { GatewayConfig, RouteConfig } from '../../config/types.js';
import { DEFAULTS } from './php-session-filter.js';

/** The lowercased header names phpSession middleware of `config` set, and the default. */
export function userHeaderNames(config: GatewayConfig): string[] {
  const names = new Set([DEFAULTS.header.toLowerCase()]);
  for (const mw of config.middleware.values()) {
    const header = mw.options['header'];
    if (mw.type === 'phpSession' && typeof header === 'string') names.add(header.toLowerCase());
  }
  return [...names];
}

export function stripUserHeaders(names: readonly string[]): Filter {
  if (names.length === 1) {
    const only = names[0] as string;
    return (exchange, next) => {
      delete exchange.req.headers[only];
      return next();
    };
  }
  return (exchange, next) => {
    for (const name of names) delete exchange.req.headers[name];
    return next();
  };
}

/** Why `route` may not list its phpSession middleware, or undefined when it may. */
export function userHeaderRouteProblem(config: GatewayConfig, route: RouteConfig): string | undefined {
  const session = route.middleware.find((m) => config.middleware.get(m)?.type === 'phpSession');
  if (session === undefined) return undefined;
  // Every upstream the route's requests can reach: its own, a canary's, a shadow target's.
  const reached = [route.to, route.split?.canary, route.rollout?.canary, route.shadow?.to];
  const php = reached.find((name) => name !== undefined && config.upstreams.get(name)?.type === 'fastcgi');
  if (php === undefined) return undefined;
  return `middleware '${session}' (phpSession) cannot be used on a route whose requests reach the PHP upstream '${php}': the user header is for new services, never for PHP`;
}
