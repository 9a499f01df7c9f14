/**
 * The `request.*`, `source.*`, `destination.*` and `route_name` properties of a context, worked out
 * on the VM thread from the facts sent with the request headers and the headers as they are now
 * (a filter that changed `:path` reads its own change back, as in Envoy).
 */
import type { RequestFacts } from './messages.js';
import { lookup } from './header-map.js';

export function requestProperty(facts: RequestFacts, headers: readonly string[], createdAt: number, key: string): string | undefined {
  const [sourceAddress, sourcePort, destinationAddress, destinationPort, id, protocol, route] = facts;
  const path = lookup(headers, ':path') ?? '/';
  const q = path.indexOf('?');
  switch (key) {
    case 'source.address':
      return `${sourceAddress}:${sourcePort}`;
    case 'source.port':
      return sourcePort;
    case 'destination.address':
      return `${destinationAddress}:${destinationPort}`;
    case 'destination.port':
      return destinationPort;
    case 'request.id':
      return id;
    case 'request.protocol':
      return protocol;
    case 'route_name':
      return route;
    case 'request.path':
      return path;
    case 'request.url_path':
      return q === -1 ? path : path.slice(0, q);
    case 'request.query':
      return q === -1 ? '' : path.slice(q + 1);
    case 'request.host':
      return lookup(headers, ':authority');
    case 'request.scheme':
      return lookup(headers, ':scheme');
    case 'request.method':
      return lookup(headers, ':method');
    case 'request.useragent':
      return lookup(headers, 'user-agent');
    case 'request.referer':
      return lookup(headers, 'referer');
    case 'request.time':
      return new Date(createdAt).toISOString();
    default:
      return undefined;
  }
}
