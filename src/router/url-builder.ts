/**
 * URL generation for named routes, with Laravel's `route('user.show', ['id' => 5])` rules:
 * every parameter is percent-encoded (RFC 3986 §3.3; a catch-all keeps its `/`), a value must
 * satisfy the parameter's constraint (Symfony's UrlGenerator refuses otherwise), absent optional
 * parameters are dropped from the end, and parameters the route does not have go to the query.
 */
import { SwitchyardError } from '../errors.js';
import type { CompiledRoute, RouteParam } from './compile-route.js';

export function buildUrl(
  name: string,
  route: CompiledRoute | undefined,
  params: Readonly<Record<string, string | number>>,
  query: Readonly<Record<string, string>>,
): string {
  if (route === undefined) throw urlError(`no route is named '${name}'`);
  const given = (param: string): string | undefined => {
    const v = Object.hasOwn(params, param) ? params[param] : undefined;
    return v === undefined ? undefined : String(v);
  };
  const segments: string[] = [];
  let omitted: string | undefined;
  for (const segment of route.parsed.segments) {
    let out = '';
    for (const part of segment) {
      if (part.kind === 'static') {
        out += encodeURI(part.text);
        continue;
      }
      const param = route.params.get(part.name) as RouteParam;
      const value = given(part.name);
      if (value === undefined) {
        if (!param.optional) throw urlError(`route '${name}' needs the parameter {${part.name}}`);
        omitted ??= part.name;
        out = '';
        break;
      }
      if (omitted !== undefined) {
        throw urlError(`route '${name}': {${part.name}} is given but the optional {${omitted}} before it is not`);
      }
      checkValue(name, param, value);
      out += param.catchAll ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
    }
    if (omitted === undefined) segments.push(out);
  }
  const trailing = route.parsed.trailingSlash && omitted === undefined && segments.length > 0 ? '/' : '';
  const path = `/${segments.join('/')}${trailing}`;
  const extra: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!route.params.has(key)) extra.push([key, String(value)]);
  }
  extra.push(...Object.entries(query));
  if (extra.length === 0) return path;
  return `${path}?${extra.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

function checkValue(name: string, param: RouteParam, value: string): void {
  if (param.constraint !== undefined) {
    if (!param.constraint.anchored.test(value)) {
      throw urlError(`route '${name}': {${param.name}} must match '${param.constraint.source}' ('${value}' given)`);
    }
  } else if (value === '') {
    throw urlError(`route '${name}': {${param.name}} cannot be empty`);
  }
}

function urlError(detail: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_ROUTE_URL', detail);
}
