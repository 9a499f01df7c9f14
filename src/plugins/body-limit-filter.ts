/**
 * `type: bodyLimit`: a request body limit for the routes that list it, below the gateway-wide
 * `limits.bodySize`.
 *
 *   middleware:
 *     small: { type: bodyLimit, max: 64kb }
 *
 * A declared Content-Length above `max` is answered 413 before any of the body is read (and the
 * connection closed, as the rest will not be read). A chunked body has no declared length, so it
 * is read here, at most `max` bytes, and handed on as the body the upstream sends
 * (`exchange.body`, which the FastCGI and HTTP upstreams send instead of reading the request): it
 * is refused the moment it goes past `max`, before any of it reaches the upstream. A body the
 * shield already read whole is measured as it is.
 */
import type { Filter, FilterFactory, FilterProblem } from '../filters/filter.js';
import { optionsChecker } from '../filters/options-check.js';
import { parseSize } from '../config/units.js';
import { SwitchyardError } from '../errors.js';
import type { Exchange } from '../listener/exchange.js';

export interface BodyLimitOptions {
  max: string | number;
}

const schemaCheck = optionsChecker({ required: ['max'], properties: { max: { type: ['string', 'integer'] } } });

export const bodyLimitFilter = {
  type: 'bodyLimit',
  check(options) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const max = (options as unknown as BodyLimitOptions).max;
    const out: FilterProblem[] = [];
    if (parseSize(max) === undefined) out.push({ segments: ['max'], message: `'${max}' is not a size such as 512, 64kb or 10mb` });
    return out;
  },
  create(options): Filter {
    const max = parseSize(options.max) as number;
    const tooLarge = (what: string) => new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `${what} exceeds this route's limit of ${max} bytes`, { headers: { connection: 'close' } });
    return async (exchange, next) => {
      const { req } = exchange;
      const declared = req.headers['content-length'];
      if (declared !== undefined) {
        if (Number(declared) > max) throw tooLarge(`request body of ${declared} bytes`);
      } else if (exchange.body !== undefined) {
        if (exchange.body.length > max) throw tooLarge(`request body of ${exchange.body.length} bytes`);
      } else if (req.headers['transfer-encoding'] !== undefined) {
        exchange.body = await readAtMost(exchange, max, () => tooLarge('chunked request body'));
      }
      return next();
    };
  },
} satisfies FilterFactory<BodyLimitOptions>;

async function readAtMost(exchange: Exchange, max: number, tooLarge: () => SwitchyardError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of exchange.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
