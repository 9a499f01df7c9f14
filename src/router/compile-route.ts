/**
 * Turns one parsed Laravel path plus its constraints into the find-my-way paths that implement
 * it, and checks everything that can only be judged with the whole route in view: parameter
 * names used twice, optional parameters before required ones, catch-alls not at the end,
 * constraints given twice or for parameters the path does not have.
 *
 * A route with optional trailing parameters becomes one find-my-way path per prefix
 * (`/user/{id?}` -> `/user` and `/user/:_0`), because find-my-way only allows one optional
 * parameter, at the very end. Parameters are registered under positional names (`_0`, `_1`) so
 * two routes that differ only in parameter names share a tree node, and the duplicate is caught
 * here with both routes named rather than inside find-my-way.
 */
import type { Constraint } from './constraint.js';
import { compileConstraint } from './constraint.js';
import type { ParsedPath } from './path-syntax.js';

export interface RouteParam {
  readonly name: string;
  readonly optional: boolean;
  readonly constraint: Constraint | undefined;
  /** Spans the rest of the path (its constraint can match `/`); registered as find-my-way's `*`. */
  readonly catchAll: boolean;
}

/** One find-my-way path of a route (several when the route has optional parameters). */
export interface RouteVariant {
  readonly fmwPath: string;
  /** Identity of the find-my-way node: same key, same node (static case folded as configured). */
  readonly nodeKey: string;
  /** Two routes with the same method and identity are duplicates; a catch-all adds its constraint. */
  readonly identity: string;
  /** Readable form for messages: `/user/{}`. */
  readonly shape: string;
  /** Parameter names for find-my-way's `_0`, `_1`, ... in this variant. */
  readonly names: readonly string[];
  /**
   * Per name: may the value be empty? find-my-way lets a plain parameter match nothing (`/a//b`
   * for `/a/{x}/b`); Laravel's default requirement `[^/]+` does not, so only a constraint that
   * accepts the empty string allows it.
   */
  readonly mayBeEmpty: readonly boolean[];
  readonly catchAll: RouteParam | undefined;
  /**
   * Made by leaving out optional parameters. It yields to a route that has this path in full
   * (`get: /` wins over the `/` of `any: /{path?}`, whatever their order), so it is no conflict.
   */
  readonly shortened: boolean;
}

export interface CompiledRoute {
  readonly parsed: ParsedPath;
  readonly params: ReadonlyMap<string, RouteParam>;
  readonly variants: readonly RouteVariant[];
}

export interface CompileOptions {
  readonly caseSensitive: boolean;
  readonly ignoreTrailingSlash: boolean;
}

/** Laravel's default requirement for a parameter that shares its segment with other text. */
const SEGMENT_PART = '[^/]+?';

/** Compiles a parsed route, or returns what is wrong with it (a lowercase sentence, subject included). */
export function compileRoute(
  parsed: ParsedPath,
  where: Readonly<Record<string, string>>,
  options: CompileOptions,
): CompiledRoute | string {
  const params = new Map<string, RouteParam>();
  const allParts = parsed.segments.flat();
  for (const part of allParts) {
    if (part.kind !== 'param') continue;
    if (params.has(part.name)) return `the path uses the parameter {${part.name}} twice`;
    const fromWhere = Object.hasOwn(where, part.name) ? where[part.name] : undefined;
    if (fromWhere !== undefined && part.inline !== undefined) {
      return `the path constrains {${part.name}} twice (inline '${part.inline}' and where '${fromWhere}')`;
    }
    const source = part.inline ?? fromWhere;
    let constraint: Constraint | undefined;
    if (source !== undefined) {
      const compiled = compileConstraint(source);
      if (typeof compiled === 'string') return `the constraint '${source}' for {${part.name}} ${compiled}`;
      constraint = compiled;
    }
    params.set(part.name, { name: part.name, optional: part.optional, constraint, catchAll: constraint?.spansSegments ?? false });
  }
  for (const key of Object.keys(where)) {
    if (!params.has(key)) return `where names {${key}}, but the path has no such parameter`;
  }
  const problem = checkShape(parsed, params);
  if (problem !== undefined) return problem;

  const firstOptional = parsed.segments.findIndex((seg) => seg[0]?.kind === 'param' && seg[0].optional);
  const required = firstOptional === -1 ? parsed.segments.length : firstOptional;
  const variants: RouteVariant[] = [];
  for (let n = required; n <= parsed.segments.length; n++) {
    variants.push(buildVariant(parsed, n, params, options));
  }
  return { parsed, params, variants };
}

function checkShape(parsed: ParsedPath, params: ReadonlyMap<string, RouteParam>): string | undefined {
  let optionalSeen: string | undefined;
  const last = parsed.segments.length - 1;
  for (const [index, segment] of parsed.segments.entries()) {
    for (const [k, part] of segment.entries()) {
      const next = segment[k + 1];
      if (part.kind === 'param' && next?.kind === 'param') {
        return `the path has {${part.name}} and {${next.name}} side by side; separate them with static text`;
      }
      if (part.kind === 'param') {
        const param = params.get(part.name) as RouteParam;
        if (param.catchAll && (index !== last || next !== undefined || parsed.trailingSlash)) {
          return `the path has the catch-all parameter {${part.name}} (its constraint '${param.constraint?.source}' can match '/') before the end of the path; a catch-all must end the path`;
        }
        if (part.optional && segment.length !== 1) {
          return `the path has the optional parameter {${part.name}?} inside a segment; an optional parameter must be a whole segment`;
        }
        if (part.optional) optionalSeen = part.name;
        else if (optionalSeen !== undefined) {
          return `the path has the optional parameter {${optionalSeen}?} before the required parameter {${part.name}}; only trailing parameters can be optional`;
        }
      } else if (optionalSeen !== undefined) {
        return `the path has the optional parameter {${optionalSeen}?} before the static text '${part.text}'; only trailing parameters can be optional`;
      }
    }
  }
  return undefined;
}

function buildVariant(parsed: ParsedPath, count: number, params: ReadonlyMap<string, RouteParam>, options: CompileOptions): RouteVariant {
  const names: string[] = [];
  const mayBeEmpty: boolean[] = [];
  let catchAll: RouteParam | undefined;
  const fmwSegments: string[] = [];
  const keySegments: string[] = [];
  const shapeSegments: string[] = [];
  for (const segment of parsed.segments.slice(0, count)) {
    let fmw = '';
    let key = '';
    let shape = '';
    for (const part of segment) {
      if (part.kind === 'static') {
        // find-my-way: '::' is a literal colon
        fmw += part.text.replaceAll(':', '::');
        key += options.caseSensitive ? part.text : part.text.toLowerCase();
        shape += part.text;
        continue;
      }
      const param = params.get(part.name) as RouteParam;
      if (param.catchAll) {
        catchAll = param;
        fmw += '*';
        key += '{*}';
        shape += `{${param.name}}`;
        continue;
      }
      const regex = param.constraint?.pattern ?? (segment.length > 1 ? SEGMENT_PART : undefined);
      fmw += `:_${names.length}${regex === undefined ? '' : `((?:${regex}))`}`;
      key += regex === undefined ? '{}' : `{${regex}}`;
      shape += `{${param.name}}`;
      names.push(param.name);
      mayBeEmpty.push(param.constraint?.anchored.test('') ?? false);
    }
    fmwSegments.push(fmw);
    keySegments.push(key);
    shapeSegments.push(shape);
  }
  const slash = parsed.trailingSlash && count > 0 && !options.ignoreTrailingSlash ? '/' : '';
  const fmwPath = `/${fmwSegments.join('/')}${slash}`;
  const nodeKey = `/${keySegments.join('/')}${slash}`;
  const shape = `/${shapeSegments.join('/')}${count > 0 && parsed.trailingSlash ? '/' : ''}`;
  const identity = catchAll?.constraint === undefined ? nodeKey : `${nodeKey} ${catchAll.constraint.pattern}`;
  return { fmwPath, nodeKey, identity, shape, names, mayBeEmpty, catchAll, shortened: count < parsed.segments.length };
}
