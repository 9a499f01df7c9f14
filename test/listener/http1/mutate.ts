/**
 * The seeded fuzzer of the differential test: a deterministic PRNG (xorshift32, so a seed replays
 * the same streams) and mutations aimed at what HTTP/1.1 parsers get wrong: bytes swapped for
 * delimiters and controls, line endings broken, lines repeated, dropped or folded, framing fields
 * added with odd values, streams cut short or run together.
 */

export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  /** Uniform in [0, 2^32). */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }

  below(n: number): number {
    return this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  chance(percent: number): boolean {
    return this.below(100) < percent;
  }
}

const BYTES = ['\0', '\t', '\n', '\r', ' ', '"', ',', ':', ';', '=', '\\', '\x7f', '\x80', '\xff', '\x01', '\x0b', '0', '9', 'a', 'f', 'F', 'G', '#', '?', '/', '*', '@', '[', '%', '-', '+', 'x'];

const FIELDS = [
  'Content-Length: 0',
  'Content-Length: 3',
  'Content-Length: 10',
  'Content-Length: 03',
  'Content-Length: 3, 3',
  'Content-Length: -1',
  'Content-Length:',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'Transfer-Encoding: chunked, gzip',
  'Transfer-Encoding: identity',
  'Transfer-Encoding: Chunked ',
  'Transfer-Encoding:',
  'Connection: close',
  'Connection: keep-alive',
  'Connection: upgrade',
  'Connection: keep-alive, close',
  'Proxy-Connection: close',
  'Upgrade: websocket',
  'Expect: 100-continue',
  'Host: b',
  'Set-Cookie: s=1',
  'Cookie: c=1',
  'X-Dup: 1',
  ' folded',
  '\tfolded',
  'X-Sp : v',
  'X-Ctl: a\x01b',
  'X-Nul: a\0b',
  'X-Obs: \xe9\xff',
  'Bad Name: v',
  ': novalue',
  'X-Trail:  v \t',
];

/** Applies one to three mutations to `stream`; `others` are streams to run it together with. */
export function mutate(rng: Prng, stream: string, others: readonly string[]): string {
  let s = stream;
  const count = 1 + rng.below(3);
  for (let i = 0; i < count; i++) s = mutateOnce(rng, s, others);
  return s;
}

function mutateOnce(rng: Prng, s: string, others: readonly string[]): string {
  const at = s.length === 0 ? 0 : rng.below(s.length);
  switch (rng.below(13)) {
    case 0:
      return s.slice(0, at) + rng.pick(BYTES) + s.slice(at + 1);
    case 1:
      return s.slice(0, at) + rng.pick(BYTES) + s.slice(at);
    case 2:
      return s.slice(0, at) + s.slice(at + 1 + rng.below(4));
    case 3:
      return editLines(rng, s, (lines, i) => lines.splice(i, 0, lines[i] as string));
    case 4:
      return editLines(rng, s, (lines, i) => lines.splice(i, 1));
    case 5: {
      // One line ending becomes LF, CR CR LF, or loses its LF.
      const ends = [...s.matchAll(/\r\n/g)].map((m) => m.index);
      if (ends.length === 0) return s;
      const e = rng.pick(ends);
      return s.slice(0, e) + rng.pick(['\n', '\r\r\n', '\r', '\n\r\n', '\r\n\r\n']) + s.slice(e + 2);
    }
    case 6: {
      // A field line right after the first line of some message.
      const first = s.indexOf('\r\n');
      if (first === -1) return s;
      const field = rng.pick(FIELDS);
      return `${s.slice(0, first + 2)}${field}\r\n${s.slice(first + 2)}`;
    }
    case 7: {
      const c = s.charCodeAt(at);
      if (c >= 0x61 && c <= 0x7a) return s.slice(0, at) + String.fromCharCode(c - 32) + s.slice(at + 1);
      if (c >= 0x41 && c <= 0x5a) return s.slice(0, at) + String.fromCharCode(c + 32) + s.slice(at + 1);
      return s;
    }
    case 8:
      return editLines(rng, s, (lines, i) => {
        const j = rng.below(lines.length);
        const a = lines[i] as string;
        lines[i] = lines[j] as string;
        lines[j] = a;
      });
    case 9:
      return rng.chance(50) ? s + rng.pick(others) : rng.pick(others) + s;
    case 10:
      return s.slice(0, at);
    case 11: {
      // A digit changes: Content-Length values and chunk sizes.
      const digits = [...s.matchAll(/[0-9a-fA-F](?=[0-9a-fA-F;]*\r?\n)/g)].map((m) => m.index);
      if (digits.length === 0) return s;
      const d = rng.pick(digits);
      return s.slice(0, d) + rng.pick(['0', '1', '2', '5', 'a', 'f', '10', '', 'fffffffffffffffff']) + s.slice(d + 1);
    }
    default:
      return editLines(rng, s, (lines, i) => {
        const line = lines[i] as string;
        const colon = line.indexOf(':');
        lines[i] = rng.chance(50) || colon === -1 ? rng.pick([' ', '\t']) + line : `${line.slice(0, colon)}${rng.pick([' ', '\t'])}${line.slice(colon)}`;
      });
  }
}

function editLines(rng: Prng, s: string, edit: (lines: string[], i: number) => void): string {
  const lines = s.split('\r\n');
  if (lines.length < 2) return s;
  edit(lines, rng.below(lines.length - 1));
  return lines.join('\r\n');
}
