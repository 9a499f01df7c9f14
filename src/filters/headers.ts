/**
 * `type: headers`: set or remove request headers (before the upstream sees them) and response
 * headers (whatever upstream produced them). Names are checked at load (RFC 9110 §5.1 token).
 *
 *   middleware:
 *     secure: { type: headers, request: { set: { X-From: edge }, remove: [Cookie2] },
 *               response: { set: { X-Frame-Options: DENY }, remove: [X-Powered-By] } }
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Filter, FilterFactory, FilterProblem } from './filter.js';
import { optionsChecker } from './options-check.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const edits = {
  type: 'object',
  additionalProperties: false,
  properties: { set: { type: 'object', additionalProperties: { type: 'string' } }, remove: { type: 'array', items: { type: 'string' } } },
};
const schemaCheck = optionsChecker({ properties: { request: edits, response: edits } });

interface Edits {
  set?: Record<string, string>;
  remove?: string[];
}
export interface HeadersOptions {
  request?: Edits;
  response?: Edits;
}

export const headersFilter = {
  type: 'headers',
  check(options) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as HeadersOptions;
    const out: FilterProblem[] = [];
    for (const side of ['request', 'response'] as const) {
      for (const name of Object.keys(o[side]?.set ?? {})) if (!TOKEN.test(name)) out.push({ segments: [side, 'set', name], message: `'${name}' is not a valid header name` });
      (o[side]?.remove ?? []).forEach((name, i) => {
        if (!TOKEN.test(name)) out.push({ segments: [side, 'remove', i], message: `'${name}' is not a valid header name` });
      });
    }
    return out;
  },
  create(options): Filter {
    const reqSet = Object.entries(options.request?.set ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
    const reqRemove = (options.request?.remove ?? []).map((k) => k.toLowerCase());
    const resSet = Object.entries(options.response?.set ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
    const resRemove = (options.response?.remove ?? []).map((k) => k.toLowerCase());
    const editResponse = (_status: number, headers: OutgoingHttpHeaders) => {
      for (const name of resRemove) deleteHeader(headers, name);
      for (const [name, value] of resSet) {
        deleteHeader(headers, name);
        headers[name] = value;
      }
    };
    return async (exchange, next) => {
      const headers = exchange.req.headers;
      for (const name of reqRemove) delete headers[name];
      for (const [name, value] of reqSet) headers[name] = value;
      if (resSet.length > 0 || resRemove.length > 0) exchange.onResponseHead(editResponse);
      await next();
    };
  },
} satisfies FilterFactory<HeadersOptions>;

/** Upstreams may use any case for names; remove every spelling. */
function deleteHeader(headers: OutgoingHttpHeaders, lowerName: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lowerName) delete headers[key];
}
