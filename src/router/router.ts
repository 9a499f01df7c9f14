/**
 * The Laravel-syntax router: routes are compiled (compile-route.ts) into find-my-way paths and
 * every lookup is one walk of find-my-way's radix tree for the request method, so matching cost
 * does not grow with the number of routes. Precedence is find-my-way's: static segments beat
 * parameters, constrained parameters beat plain ones, catch-alls come last.
 *
 * - HEAD: a GET route is also registered for HEAD (RFC 9110 §9.3.2: HEAD is GET without the
 *   body), unless a route declares HEAD itself for the same path.
 * - 404 and 405: on a miss, a second tree holding every route's path once, whatever its methods,
 *   says in one walk whether any method could match; if none can, it is a 404. Only otherwise
 *   are the other methods looked up (six more walks at most, whatever the number of routes) to
 *   build `Allow` (RFC 9110 §15.5.6). The union tree cannot decide alone: each method's tree has
 *   its own precedence (GET /u/{id:\d+} beside POST /u/{name}), so the node it finds need not
 *   be the one a given method would use.
 * - Optional parameters: the shorter paths a route reaches by leaving them out yield to a route
 *   that has that path in full, so `get: /` beside the front controller `any: /{path?}` is no
 *   conflict, in either order. Two routes with the same full path and method are.
 * - Catch-all constraints (`.*`, `.+`, anything that can match `/`) are find-my-way wildcards;
 *   the constraint is tested here, on the matched node only. Several catch-alls on the same
 *   prefix are tried in the order they were added. When the node find-my-way picked turns out
 *   not to match (a catch-all constraint, an empty parameter), a catch-all at the root (the
 *   front controller, `any: /{path?}`) still gets the request, as in Laravel, through a third
 *   tree holding only those: one more walk, on that path only.
 */
import FindMyWay from 'find-my-way';
import type { HttpMethod } from '../config/types.js';
import { compileRoute, type CompiledRoute, type RouteParam, type RouteVariant } from './compile-route.js';
import { parsePath } from './path-syntax.js';
import { describeRoute, routeError } from './route-error.js';
import { routerDefaults, type RouteDefinition, type RouteLookup, type RouterOptions } from './types.js';
import { buildUrl } from './url-builder.js';

/** Order of the `Allow` header: the order RFC 9110 §9.3 defines the methods in. */
const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

interface Candidate<T> {
  readonly value: T;
  readonly names: readonly string[];
  readonly mayBeEmpty: readonly boolean[];
  readonly catchAll: RouteParam | undefined;
  readonly identity: string;
  /** Which candidate keeps a node when two have the same identity; see #place. */
  readonly rank: number;
}

/** The store of one find-my-way route: every route that ends on that node, in order. */
interface Slot<T> {
  readonly candidates: Candidate<T>[];
}

interface Registered<T> {
  readonly def: RouteDefinition<T>;
  readonly route: CompiledRoute;
}

/** RFC 9112 §3.2.2 absolute-form, which find-my-way reduces to its path. */
const ABSOLUTE_FORM = /^https?:\/\//i;

const noopHandler = (): void => {};
/** Store of the union tree's routes; any non-null value, since null marks an undecodable path. */
const UNION_STORE = Object.freeze({});

export class Router<T> {
  readonly #fmw: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  /** Every route path once, under GET, whatever its methods: answers "could any method match?". */
  readonly #union: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  readonly #unionKeys = new Set<string>();
  /** Only the catch-alls at the root (`/*`), sharing their slots with #fmw. */
  readonly #rootCatchAlls: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  readonly #options: RouterSettings;
  /** `METHOD nodeKey` -> slot registered in find-my-way. */
  readonly #slots = new Map<string, Slot<T>>();
  /** `METHOD identity` -> the route that claimed it, for duplicate messages. */
  readonly #claims = new Map<string, RouteDefinition<T>>();
  readonly #names = new Map<string, Registered<T>>();
  #size = 0;

  constructor(options: RouterOptions = {}) {
    this.#options = { ...routerDefaults, ...stripUndefined(options) };
    const treeOptions = {
      caseSensitive: this.#options.caseSensitive,
      ignoreTrailingSlash: this.#options.ignoreTrailingSlash,
      maxParamLength: this.#options.maxParamLength,
      // A request target that cannot be decoded comes back as a route with a null store.
      onBadUrl: noopHandler,
    };
    this.#fmw = FindMyWay(treeOptions);
    this.#union = FindMyWay(treeOptions);
    this.#rootCatchAlls = FindMyWay(treeOptions);
  }

  /** Number of route definitions added. */
  get size(): number {
    return this.#size;
  }

  /** Adds a route; throws SY_ERR_CONFIG_ROUTE naming the route (and the other one on a conflict). */
  add(def: RouteDefinition<T>): void {
    const label = describeRoute(def.at, def.path);
    const parsed = parsePath(def.path);
    if (typeof parsed === 'string') throw routeError(label, `the path ${parsed}`);
    const route = compileRoute(parsed, def.where ?? {}, this.#options);
    if (typeof route === 'string') throw routeError(label, route);
    const methods = [...new Set(def.methods)];
    if (methods.length === 0) throw routeError(label, 'has no methods');
    for (const method of methods) {
      if (!METHODS.includes(method)) throw routeError(label, `has the unknown method '${String(method)}'`);
    }
    if (def.name !== undefined) {
      const other = this.#names.get(def.name);
      if (other !== undefined) {
        throw routeError(label, `uses the name '${def.name}', already taken by ${describeRoute(other.def.at, other.def.path)}`);
      }
    }
    // Check every claim before touching the tree, so a rejected route leaves no trace. A
    // shortened variant claims nothing: it yields to a route with that path in full.
    for (const method of methods) {
      for (const variant of route.variants) {
        if (variant.shortened) continue;
        const other = this.#claims.get(`${method} ${variant.identity}`);
        if (other !== undefined) {
          throw routeError(label, `${method} ${variant.shape} is already defined by ${describeRoute(other.at, other.path)}`);
        }
      }
    }
    for (const method of methods) {
      for (const variant of route.variants) {
        if (!variant.shortened) this.#claims.set(`${method} ${variant.identity}`, def);
        this.#place(method, variant, def, false);
        if (method === 'GET' && !methods.includes('HEAD')) this.#place('HEAD', variant, def, true);
      }
    }
    for (const variant of route.variants) {
      if (this.#unionKeys.has(variant.nodeKey)) continue;
      this.#union.on('GET', variant.fmwPath, noopHandler, UNION_STORE);
      this.#unionKeys.add(variant.nodeKey);
    }
    if (def.name !== undefined) this.#names.set(def.name, { def, route });
    this.#size++;
  }

  #place(method: HttpMethod, variant: RouteVariant, def: RouteDefinition<T>, implicitHead: boolean): void {
    const candidate: Candidate<T> = {
      value: def.value,
      names: variant.names,
      mayBeEmpty: variant.mayBeEmpty,
      catchAll: variant.catchAll,
      identity: variant.identity,
      // A full path beats a shortened one (Laravel users put `get: /` beside `any: /{path?}`),
      // then a declared HEAD beats the one a GET route implies. Equal ranks: first added wins.
      rank: (variant.shortened ? 0 : 2) + (implicitHead ? 0 : 1),
    };
    const slotKey = `${method} ${variant.nodeKey}`;
    const slot = this.#slots.get(slotKey);
    if (slot === undefined) {
      const created: Slot<T> = { candidates: [candidate] };
      this.#slots.set(slotKey, created);
      try {
        this.#fmw.on(method, variant.fmwPath, noopHandler, created);
        if (variant.fmwPath === '/*') this.#rootCatchAlls.on(method, '/*', noopHandler, created);
      } catch (err) {
        this.#slots.delete(slotKey);
        throw routeError(describeRoute(def.at, def.path), `cannot be added to the route tree (${(err as Error).message})`);
      }
      return;
    }
    const same = slot.candidates.findIndex((c) => c.identity === candidate.identity);
    if (same === -1) slot.candidates.push(candidate);
    else if ((slot.candidates[same] as Candidate<T>).rank < candidate.rank) slot.candidates[same] = candidate;
  }

  /** Looks up `path` (the raw request path; a query string is ignored) for `method`. */
  find(method: string, path: string): RouteLookup<T> {
    if (path.charCodeAt(0) !== 0x2f && !ABSOLUTE_FORM.test(path)) {
      // RFC 9112 §3.2.4: `OPTIONS *` addresses the server, never a route.
      return path === '*' ? { kind: 'not-found' } : badRequest(path);
    }
    const hit = this.#match(method, path);
    if (hit !== undefined && hit !== null) return hit;
    if (hit === null) return badRequest(path);
    const any = this.#union.find('GET', path);
    if (any === null) return { kind: 'not-found' };
    if (any.store === null) return badRequest(path);
    const allow: string[] = [];
    for (const other of METHODS) {
      if (other === method) continue;
      const found = this.#match(other, path);
      if (found === null) return badRequest(path);
      if (found !== undefined) allow.push(other);
    }
    return allow.length === 0 ? { kind: 'not-found' } : { kind: 'method-not-allowed', allow };
  }

  /** undefined: no match; null: the path cannot be decoded. */
  #match(method: string, path: string): RouteLookup<T> | null | undefined {
    const result = this.#fmw.find(method as FindMyWay.HTTPMethod, path);
    if (result === null) return undefined;
    const slot = result.store as Slot<T> | null;
    if (slot === null) return null;
    const found = pick(slot, result.params);
    if (found !== undefined) return found;
    const root = this.#rootCatchAlls.find(method as FindMyWay.HTTPMethod, path);
    if (root === null || root.store === slot || root.store === null) return undefined;
    return pick(root.store as Slot<T>, root.params);
  }

  /**
   * The URL of a named route, as Laravel's `route()` builds it: parameters percent-encoded and
   * checked against their constraints, absent optional ones dropped, extra ones added to the
   * query string. Throws SY_ERR_ROUTE_URL.
   */
  url(name: string, params: Readonly<Record<string, string | number>> = {}, query: Readonly<Record<string, string>> = {}): string {
    return buildUrl(name, this.#names.get(name)?.route, params, query);
  }
}

/** The first route of a node that accepts the values find-my-way extracted, with its params. */
function pick<T>(slot: Slot<T>, found: Readonly<Record<string, string | undefined>>): RouteLookup<T> | undefined {
  candidates: for (const candidate of slot.candidates) {
    let rest: string | undefined;
    if (candidate.catchAll !== undefined) {
      rest = found['*'] ?? '';
      if (candidate.catchAll.constraint?.anchored.test(rest) === false) continue;
    }
    const params: Record<string, string> = {};
    for (let i = 0; i < candidate.names.length; i++) {
      const value = found[positionalName(i)] ?? '';
      if (value === '' && candidate.mayBeEmpty[i] !== true) continue candidates;
      params[candidate.names[i] as string] = value;
    }
    if (candidate.catchAll !== undefined && rest !== undefined) params[candidate.catchAll.name] = rest;
    return { kind: 'found', value: candidate.value, params };
  }
  return undefined;
}

/** find-my-way's names for parameters (`_0`, `_1`, ...), built once, not per lookup. */
const POSITIONAL = Array.from({ length: 16 }, (_, i) => `_${i}`);
function positionalName(i: number): string {
  return POSITIONAL[i] ?? `_${i}`;
}

function badRequest(path: string): RouteLookup<never> {
  return { kind: 'bad-request', detail: `the request path '${path.slice(0, 200)}' is not valid percent-encoding or URL syntax` };
}

type RouterSettings = { readonly [K in keyof RouterOptions]-?: NonNullable<RouterOptions[K]> };

function stripUndefined(options: RouterOptions): Partial<RouterSettings> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
