/**
 * A request's parameters as the values an OpenAPI schema describes: path parameters by the
 * route's names, query parameters from the query string, header parameters from the header
 * fields, each string turned into the type its schema names (`?limit=10` is the integer 10,
 * `?tags=a&tags=b` an array). A string that is not the type stays a string, so the schema
 * reports it (`/query/limit: must be integer`).
 */
import type { Exchange } from '../listener/exchange.js';
import type { Parameter } from './operation-contract.js';

export interface RequestValues {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body?: unknown;
}

export function requestValues(exchange: Exchange, parameters: readonly Parameter[]): RequestValues {
  const values: RequestValues = { path: {}, query: {}, headers: {} };
  const query = parameters.some((p) => p.in === 'query') ? new URLSearchParams(exchange.query) : undefined;
  const params = exchange.match?.params ?? {};
  for (const p of parameters) {
    let raw: string[] | undefined;
    if (p.in === 'path') raw = params[p.name] === undefined ? undefined : [params[p.name] as string];
    else if (p.in === 'query') raw = query?.has(p.name) === true ? query.getAll(p.name) : undefined;
    else {
      const h = exchange.req.headers[p.name];
      raw = h === undefined ? undefined : Array.isArray(h) ? h : [h];
    }
    if (raw === undefined) continue;
    const target = p.in === 'header' ? values.headers : values[p.in];
    target[p.name] = typed(p, raw);
  }
  return values;
}

function typed(p: Parameter, raw: string[]): unknown {
  if (p.types.includes('array')) {
    const items = p.commaSeparated ? raw.flatMap((v) => v.split(',')) : raw;
    return items.map((v) => scalar(p.itemTypes, v));
  }
  return scalar(p.types, raw[0] as string);
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function scalar(types: readonly string[], value: string): unknown {
  if ((types.includes('integer') || types.includes('number')) && NUMBER.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (types.includes('null') && value === '') return null;
  return value;
}
