/**
 * The Date field value (RFC 9110 §5.6.7 IMF-fixdate), formatted at most once per second: every
 * response carries one (§6.6.1) and formatting a date per request is measurable on the hot path.
 */

let cachedSecond = -1;
let cachedValue = '';

export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(second * 1000).toUTCString();
  }
  return cachedValue;
}
