/**
 * `type: bodyLimit`: a request body limit for the routes that list it, below the gateway-wide
 * `limits.bodySize`.
 *
 *   middleware:
 *     small: { type: bodyLimit, max: 64kb }
 *
 * A declared Content-Length above `max` is answered 413 before any of the body is read (and the
 * connection closed, as the rest will not be read). A chunked body has no declared length: it is
 * counted as it streams to the upstream, and the moment it goes past `max` the request is cut and
 * answered 413 (the upstream has then seen at most `max` bytes of it; a body the shield already
 * read whole is measured as it is).
 */
import type { Filter, FilterFactory, FilterProblem, Next } from '../filters/filter.js';
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
        return countWhileStreaming(exchange, max, next, () => tooLarge('chunked request body'));
      }
      return next();
    };
  },
} satisfies FilterFactory<BodyLimitOptions>;

/**
 * Counts the body as the upstream reads it. The listener is added while the stream is paused, so
 * it does not start the flow: the upstream does, and both see every chunk.
 */
async function countWhileStreaming(exchange: Exchange, max: number, next: Next, tooLarge: () => SwitchyardError): Promise<void> {
  const { req } = exchange;
  let size = 0;
  let over = false;
  const count = (chunk: Buffer) => {
    size += chunk.length;
    if (size > max && !over) {
      over = true;
      req.destroy(tooLarge());
    }
  };
  req.pause();
  req.on('data', count);
  try {
    await next();
  } catch (err) {
    throw over ? tooLarge() : err;
  } finally {
    req.off('data', count);
  }
  if (over && !exchange.res.headersSent) throw tooLarge();
}
