/**
 * `transcode: true` mounts an upstream's bindings as gateway routes. The router speaks Laravel's
 * syntax, so each template is written in it as closely as it allows:
 *
 * - a literal stays a literal; `*` and `{var}` become a parameter `{pN}` with `where: [^/]*`
 *   (grpc-gateway lets `*` match an empty segment);
 * - `**` becomes a catch-all `{pN}` with `where: .*`; the router only takes a catch-all at the
 *   end, so literals after a `**` (`/{path=**}/raw`) are left to the catch-all;
 * - a verb stays in the last segment as text (`/v1/{name}:cancel` -> `/v1/{p0}:cancel`).
 *
 * The router route is only the door: every mounted route leads to the same transcoder, which
 * matches the request against the bindings again with grpc-gateway's rules (last match wins,
 * verbs, decoded `%2F`). Routes of the same method and shape are mounted once. A binding whose
 * HTTP method the router does not know (a `custom` kind such as `LINK`) is not mounted.
 */
import type { HttpMethod } from '../../../config/types.js';
import type { BindingInfo } from './transcoder.js';

export interface TranscodedRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly where: Readonly<Record<string, string>>;
  /** The bindings this route leads to, for messages (`GET /v1/{name} (pkg.Svc/Get)`). */
  readonly bindings: readonly string[];
}

const ROUTER_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Characters a Laravel path cannot hold as text.
const UNSAFE_TEXT = /[{}*?#]/;

export function transcodedRoutes(bindings: readonly BindingInfo[]): TranscodedRoute[] {
  const routes = new Map<string, { method: HttpMethod; path: string; where: Record<string, string>; bindings: string[] }>();
  for (const info of bindings) {
    if (!ROUTER_METHODS.has(info.httpMethod)) continue;
    const { template } = info.binding;
    const parts: string[] = [];
    const where: Record<string, string> = {};
    let n = 0;
    for (const segment of template.segments) {
      const name = `p${n}`;
      if (segment.kind === 'literal' && !UNSAFE_TEXT.test(segment.value)) {
        parts.push(encodeURI(segment.value));
        continue;
      }
      n++;
      if (segment.kind === 'deep-wildcard') {
        where[name] = '.*';
        parts.push(`{${name}}`);
        break;
      }
      where[name] = '[^/]*';
      parts.push(`{${name}}`);
    }
    const deep = Object.values(where).includes('.*');
    if (template.verb !== undefined && !deep) parts[parts.length - 1] = `${parts[parts.length - 1] ?? ''}:${template.verb}`;
    const path = `/${parts.join('/')}`;
    const key = `${info.httpMethod} ${path}`;
    const label = `${info.httpMethod} ${template.source} (${info.service}/${info.method})`;
    const existing = routes.get(key);
    if (existing !== undefined) existing.bindings.push(label);
    else routes.set(key, { method: info.httpMethod as HttpMethod, path, where, bindings: [label] });
  }
  return [...routes.values()];
}
