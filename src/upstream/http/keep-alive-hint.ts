/**
 * The upstream's `Keep-Alive: timeout=N` (RFC 2068 §19.7.1.1, still sent by node, Apache and
 * others): it closes a connection idle for N seconds. A request sent on such a connection as it
 * closes gets a reset instead of an answer, so a kept connection is not reused once it has been
 * idle for N seconds less a margin: the margin covers the upstream's clock starting before ours
 * (its response left before we read its end) and the request's way there. The margin is
 * undici's (`keepAliveTimeoutThreshold`, 1 s), which the http upstream used before the codec.
 */
const MARGIN_MS = 1_000;

// An upstream sends the same value on every response: the last one read is kept, parsed.
let lastValue = '';
let lastWindow: number | undefined;

/**
 * How long (ms) the connection may stay idle and still be reused, from a response's raw header
 * pairs; undefined without a usable hint; 0 or less means do not reuse it.
 */
export function reuseWindowMs(rawHeaders: readonly string[]): number | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    // The two usual spellings first: no lowered copy per response.
    if (name.length !== 10 || (name !== 'Keep-Alive' && name !== 'keep-alive' && name.toLowerCase() !== 'keep-alive')) continue;
    const value = rawHeaders[i + 1] as string;
    if (value !== lastValue) {
      const match = /(?:^|[,;\s])timeout\s*=\s*"?(\d{1,9})"?\s*(?:[,;]|$)/i.exec(value);
      lastValue = value;
      lastWindow = match === null ? undefined : Number(match[1]) * 1000 - MARGIN_MS;
    }
    if (lastWindow !== undefined) return lastWindow;
  }
  return undefined;
}
