/**
 * Names a config uses without defining them: a route's `to` naming no upstream, a `middleware`
 * entry (on a route or a group) naming no middleware. Read from the raw document whether or not
 * it matches the schema, each value's shape checked before it is read, so that these problems are
 * listed in the same run as the schema's: a misspelt key and a misspelt name are typically made
 * together, and a user should not have to fix one to be told about the other.
 */
import { closest } from './did-you-mean.js';
import type { RawProblem } from './normalize.js';

type Raw = Record<string, unknown>;
type Segments = (string | number)[];

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

export function checkReferences(raw: Readonly<Raw>): RawProblem[] {
  const problems: RawProblem[] = [];
  const upstreams = isRecord(raw['upstreams']) ? Object.keys(raw['upstreams']) : [];
  const middleware = isRecord(raw['middleware']) ? Object.keys(raw['middleware']) : [];

  const refer = (kind: 'upstream' | 'middleware', name: unknown, known: readonly string[], segments: Segments) => {
    if (typeof name !== 'string' || known.includes(name)) return;
    const hint = closest(name, known);
    problems.push({ code: kind === 'upstream' ? 'SY_ERR_CONFIG_ROUTE' : 'SY_ERR_CONFIG_MIDDLEWARE', segments, message: `unknown ${kind} '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}` });
  };
  const middlewareList = (list: unknown, segments: Segments) => {
    if (Array.isArray(list)) list.forEach((name, j) => refer('middleware', name, middleware, [...segments, j]));
  };
  const routes = (list: unknown, segments: Segments): void => {
    if (!Array.isArray(list)) return;
    list.forEach((item, i) => {
      if (!isRecord(item)) return;
      const at = [...segments, i];
      if (item['group'] !== undefined) {
        if (isRecord(item['group'])) middlewareList(item['group']['middleware'], [...at, 'group', 'middleware']);
        routes(item['routes'], [...at, 'routes']);
        return;
      }
      refer('upstream', item['to'], upstreams, [...at, 'to']);
      if (isRecord(item['shadow'])) refer('upstream', item['shadow']['to'], upstreams, [...at, 'shadow', 'to']);
      middlewareList(item['middleware'], [...at, 'middleware']);
    });
  };
  routes(raw['routes'], ['routes']);
  return problems;
}
