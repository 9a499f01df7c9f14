/**
 * What the upstream request looks like: the path (route's `rewrite` template or `stripPrefix`,
 * the client's query kept) and the Host header (`hostHeader`: preserve, upstream, or literal).
 */
import type { Exchange } from '../../listener/exchange.js';

const PARAM = /\{(\w+)\??\}/g;

export function upstreamPath(exchange: Exchange): string {
  const route = exchange.match?.route;
  let path = exchange.path;
  if (route?.rewrite !== undefined) {
    const params = exchange.match?.params ?? {};
    // Params are decoded when matched; encode them again so a '/' or '?' in one stays data.
    path = route.rewrite.replace(PARAM, (_, name: string) => (params[name] === undefined ? '' : encodeURIComponent(params[name])));
  } else if (route?.stripPrefix !== undefined) {
    const prefix = route.stripPrefix.endsWith('/') ? route.stripPrefix.slice(0, -1) : route.stripPrefix;
    // Only on a segment boundary: /api strips /api/users and /api, never /apix.
    if (path === prefix || path.startsWith(`${prefix}/`)) path = path.slice(prefix.length) || '/';
  }
  return exchange.query === '' ? path : `${path}?${exchange.query}`;
}

/** The Host to send to `endpointHost`; undefined keeps the client's header as it came. */
export function upstreamHost(choice: string | undefined, endpointHost: string): string | undefined {
  if (choice === undefined || choice === 'preserve') return undefined;
  return choice === 'upstream' ? endpointHost : choice;
}
