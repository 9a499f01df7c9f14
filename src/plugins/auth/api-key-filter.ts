/**
 * `type: apiKey`: the request must carry one of the configured keys, in a header (default
 * `X-Api-Key`) or, when `query` names one, a query parameter.
 *
 *   middleware:
 *     partners: { type: apiKey, keys: ['${PARTNER_KEY_A}', '${PARTNER_KEY_B}'], header: X-Api-Key }
 *
 * Keys come from the config (with `${ENV}` interpolation for secrets). The comparison takes the
 * same time whichever key matches or how much of one does: both sides are hashed to 32 bytes and
 * every configured key is compared with timingSafeEqual, without stopping at a match.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Filter, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { SwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';

export interface ApiKeyOptions {
  keys: string[];
  header?: string;
  query?: string;
}

export const DEFAULTS = { header: 'X-Api-Key' } as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const schemaCheck = optionsChecker({
  required: ['keys'],
  properties: { keys: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }, header: { type: 'string' }, query: { type: 'string', minLength: 1 } },
});

const digest = (value: string) => createHash('sha256').update(value).digest();

export const apiKeyFilter = {
  type: 'apiKey',
  check(options) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as unknown as ApiKeyOptions;
    const out: FilterProblem[] = [];
    if (o.header !== undefined && !TOKEN.test(o.header)) out.push({ segments: ['header'], message: `'${o.header}' is not a valid header name` });
    return out;
  },
  create(options): Filter {
    const keys = options.keys.map(digest);
    const header = (options.header ?? DEFAULTS.header).toLowerCase();
    const query = options.query;
    const where = query === undefined ? `the ${options.header ?? DEFAULTS.header} header` : `the ${options.header ?? DEFAULTS.header} header or the ${query} query parameter`;
    return async (exchange, next) => {
      const presented = presentedKey(exchange, header, query);
      if (presented === undefined) throw new SwitchyardError('SY_ERR_API_KEY_INVALID', `no api key in ${where}`);
      const candidate = digest(presented);
      let matched = false;
      for (const key of keys) matched = timingSafeEqual(key, candidate) || matched;
      if (!matched) throw new SwitchyardError('SY_ERR_API_KEY_INVALID', `the api key in ${where} is not a configured key`);
      return next();
    };
  },
} satisfies FilterFactory<ApiKeyOptions>;

function presentedKey(exchange: Exchange, header: string, query: string | undefined): string | undefined {
  const value = exchange.req.headers[header];
  if (typeof value === 'string' && value !== '') return value;
  if (query === undefined || exchange.query === '') return undefined;
  return new URLSearchParams(exchange.query).get(query) ?? undefined;
}
