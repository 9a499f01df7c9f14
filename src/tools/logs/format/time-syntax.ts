/**
 * Timestamps as access logs write them, parsed by hand: `Date.parse` does not accept the CLF
 * layout (`10/Oct/2000:13:55:36 -0700`, the one nginx `$time_local` and Apache `%t` write) and is
 * slow enough to show on the scan's profile for the ISO one.
 */
const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** `10/Oct/2000:13:55:36 -0700` (brackets already removed) to epoch ms, NaN if it is not one. */
export function parseClfTime(s: string): number {
  if (s.length < 26) return NaN;
  const month = MONTHS[s.slice(3, 6)];
  if (month === undefined) return NaN;
  const sign = s.charCodeAt(21) === 45 ? -1 : 1;
  const offsetMin = sign * (digits(s, 22, 2) * 60 + digits(s, 24, 2));
  const utc = Date.UTC(digits(s, 7, 4), month, digits(s, 0, 2), digits(s, 12, 2), digits(s, 15, 2), digits(s, 18, 2));
  return utc - offsetMin * 60_000;
}

/** ISO 8601 as nginx `$time_iso8601` (`2024-05-01T12:00:00+02:00`) or JSON logs write it. */
export function parseIsoTime(s: string): number {
  if (s.length >= 19 && s.charCodeAt(4) === 45 && s.charCodeAt(10) === 84) {
    const utc = Date.UTC(digits(s, 0, 4), digits(s, 5, 2) - 1, digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2));
    let i = 19;
    let ms = 0;
    if (s.charCodeAt(i) === 46) {
      let scale = 100;
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        ms += d * scale;
        scale /= 10;
      }
    }
    const zone = s.charCodeAt(i);
    if (i === s.length || zone === 90 /* Z */) return utc + ms;
    if ((zone === 43 || zone === 45) && s.length >= i + 6) {
      const offsetMin = (zone === 45 ? -1 : 1) * (digits(s, i + 1, 2) * 60 + digits(s, i + 4, 2));
      return utc + ms - offsetMin * 60_000;
    }
  }
  return Date.parse(s);
}

/** Month names as 24-bit numbers of their three latin1 bytes, for reading a time from bytes. */
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([name, m]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), m]));

function digitsAt(buf: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** `parseClfTime` of the latin1 text in `buf[start, end)`, without making it a string. */
export function parseClfTimeBytes(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 26) return NaN;
  const month = MONTH_CODES.get(((buf[start + 3] as number) << 16) | ((buf[start + 4] as number) << 8) | (buf[start + 5] as number));
  if (month === undefined) return NaN;
  const sign = buf[start + 21] === 45 ? -1 : 1;
  const offsetMin = sign * (digitsAt(buf, start + 22, 2) * 60 + digitsAt(buf, start + 24, 2));
  const utc = Date.UTC(digitsAt(buf, start + 7, 4), month, digitsAt(buf, start, 2), digitsAt(buf, start + 12, 2), digitsAt(buf, start + 15, 2), digitsAt(buf, start + 18, 2));
  return utc - offsetMin * 60_000;
}
