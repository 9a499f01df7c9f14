/**
 * One copy of a client's request, sent through an upstream's own `handle` on an exchange made
 * for it. Going through the upstream (rather than a separate HTTP client) sends the copy with
 * the same path handling, pools, limits and health state as real traffic to that upstream, and
 * works the same for the target (usually http) and for the second baseline sample (usually the
 * PHP application over FastCGI). The copy carries the client's method, target, headers, held
 * body and socket (for addresses and ports), and `x-switchyard-shadow` naming its purpose.
 */
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { Exchange, type ExchangeRequest } from '../../listener/exchange.js';
import { Sweep } from '../../sweep.js';
import { CaptureResponse } from './capture-response.js';
import type { CapturedResponse } from './captured-response.js';

export type CopyOutcome = { readonly kind: 'answered'; readonly response: CapturedResponse } | { readonly kind: 'timeout' | 'failed' | 'tooLarge' };

export interface CopyOptions {
  readonly purpose: 'target' | 'baseline';
  readonly headerNames: readonly string[];
  readonly maxBodySize: number;
  readonly timeout: number;
  readonly log: Logger;
}

/** A copy waiting for its answer, and when it gives up. */
interface Pending {
  readonly deadline: number;
  readonly expire: () => void;
}

/** How often copies' deadlines are checked: a timeout fires up to this late. */
const DEADLINE_TICK_MS = 25;

/**
 * Every copy's timeout, checked together (src/sweep.ts): a timer set and cleared per copy is
 * work on the clients' loop for each copy. The sweep's interval is unref'd, so a copy in flight
 * never holds a stopping process up.
 */
const deadlines = new Sweep<Pending>(DEADLINE_TICK_MS, (all) => {
  const now = Date.now();
  for (const pending of all) {
    if (pending.deadline > now) continue;
    deadlines.delete(pending);
    pending.expire();
  }
});

export async function sendCopy(original: Exchange, handle: (exchange: Exchange) => Promise<void>, options: CopyOptions): Promise<CopyOutcome> {
  const res = new CaptureResponse(options.headerNames, options.maxBodySize);
  const exchange = new Exchange(copyRequest(original, options.purpose), res, `${original.id}-${options.purpose === 'target' ? 'shadow' : 'noise'}`, options.log);
  exchange.match = original.match;
  if (original.body !== undefined) exchange.body = original.body;
  // Settled by the first of: the timeout, a throw (a failure before any answer), or the answer
  // delivered whole or cut short (destroyed), whichever way `handle` behaves afterwards.
  const outcome = await new Promise<CopyOutcome>((resolve) => {
    const pending: Pending = { deadline: Date.now() + options.timeout, expire: () => resolve({ kind: 'timeout' }) };
    deadlines.add(pending);
    const done = (result: CopyOutcome) => {
      deadlines.delete(pending);
      resolve(result);
    };
    const ended = () => {
      if (res.overLimit) done({ kind: 'tooLarge' });
      else {
        const response = res.captured();
        done(response === undefined ? { kind: 'failed' } : { kind: 'answered', response });
      }
    };
    res.once('finish', ended).once('close', ended);
    handle(exchange).catch(() => done({ kind: 'failed' }));
  });
  if (!res.writableFinished && !res.destroyed) res.destroy();
  return outcome;
}

function copyRequest(original: Exchange, purpose: CopyOptions['purpose']): ExchangeRequest {
  const from = original.req;
  const body = original.body;
  const headers = { ...from.headers, 'x-switchyard-shadow': purpose };
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) rawHeaders.push(name, v);
  }
  const req = new Readable({ read() {} }) as Readable & { method?: string | undefined; url?: string | undefined; httpVersion: string; headers: typeof headers; rawHeaders: string[]; socket: ExchangeRequest['socket']; complete: boolean };
  req.method = from.method;
  req.url = from.url;
  req.httpVersion = from.httpVersion;
  req.headers = headers;
  req.rawHeaders = rawHeaders;
  req.socket = original.socket;
  if (body !== undefined && body.length > 0) req.push(body);
  req.push(null);
  // As a request whose body has all arrived: an upstream may take it in one read.
  req.complete = true;
  return req;
}
