/**
 * PHP's serialize() format, read-only, for the values of a session (php_var_unserialize in
 * ext/standard/var_unserializer.re is the reference): `N;`, `b:1;`, `i:-3;`, `d:0.5;` (and
 * `INF`, `-INF`, `NAN`), `s:<bytes>:"...";` (the length counts bytes, so quotes, `|` and `;`
 * inside need no escaping), `a:<n>:{key;value...}` and `O:<len>:"Class":<n>:{...}` (an object's
 * properties as a JSON object: private and protected names lose their `\0Class\0` / `\0*\0`
 * mangling). An array whose keys are 0..n-1 in order is a PHP list and becomes a JSON array; any
 * other array becomes a JSON object. Custom-serialized objects (`C:`), enums (`E:`) and references
 * (`r:`, `R:`) carry no data a claim could use and are refused, as is anything malformed:
 * the caller gets an error saying where, never a partial value. Written here because the npm
 * parsers either evaluate class names or accept malformed input.
 */

export class UnserializeError extends Error {
  override readonly name = 'UnserializeError';
}

export type PhpValue = null | boolean | number | string | PhpValue[] | { [key: string]: PhpValue };

const MAX_DEPTH = 64;
const Q = 0x22; // "
const COLON = 0x3a;
const SEMI = 0x3b;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
/** b i d s a O: what a session's data is made of. */
const KNOWN_TAGS = new Set([0x62, 0x69, 0x64, 0x73, 0x61, 0x4f]);

export class PhpReader {
  readonly #bytes: Buffer;
  pos: number;

  constructor(bytes: Buffer, pos = 0) {
    this.#bytes = bytes;
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.#bytes.length;
  }

  fail(what: string): never {
    throw new UnserializeError(`${what} at byte ${this.pos}`);
  }

  /** Bytes up to (not including) `stop`, moving past it. */
  until(stop: number): Buffer {
    const end = this.#bytes.indexOf(stop, this.pos);
    if (end === -1) this.fail(`expected '${String.fromCharCode(stop)}'`);
    const out = this.#bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  expect(byte: number): void {
    if (this.#bytes[this.pos] !== byte) this.fail(`expected '${String.fromCharCode(byte)}'`);
    this.pos++;
  }

  /** One serialized value. */
  value(depth = 0): PhpValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const tag = this.#bytes[this.pos];
    if (tag === undefined) this.fail('expected a value');
    this.pos++;
    if (tag === 0x4e /* N */) {
      this.expect(SEMI);
      return null;
    }
    if (!KNOWN_TAGS.has(tag)) {
      this.pos--;
      this.fail(`'${String.fromCharCode(tag)}:' values (custom objects, enums, references) are not read`);
    }
    this.expect(COLON);
    switch (tag) {
      case 0x62 /* b */: {
        const text = this.until(SEMI).toString('latin1');
        if (text !== '0' && text !== '1') this.fail(`bool '${text}'`);
        return text === '1';
      }
      case 0x69 /* i */: {
        const text = this.until(SEMI).toString('latin1');
        if (!/^[+-]?\d{1,20}$/.test(text)) this.fail(`int '${text}'`);
        return Number(text);
      }
      case 0x64 /* d */:
        return this.#double(this.until(SEMI).toString('latin1'));
      case 0x73 /* s */: {
        const text = this.#string();
        this.expect(SEMI);
        return text;
      }
      case 0x61 /* a */:
        return this.#entries(this.#count(), depth, false);
      case 0x4f /* O */: {
        this.#string();
        this.expect(COLON);
        return this.#entries(this.#count(), depth, true);
      }
      default:
        return this.fail('unreachable');
    }
  }

  #double(text: string): number {
    if (text === 'INF') return Infinity;
    if (text === '-INF') return -Infinity;
    if (text === 'NAN') return NaN;
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) this.fail(`float '${text}'`);
    return Number(text);
  }

  /** `<bytes>:"..."` (after the tag and colon). */
  #string(): string {
    const lengthText = this.until(COLON).toString('latin1');
    if (!/^\d{1,10}$/.test(lengthText)) this.fail(`string length '${lengthText}'`);
    const length = Number(lengthText);
    this.expect(Q);
    const end = this.pos + length;
    if (end > this.#bytes.length) this.fail(`string of ${length} bytes runs past the end`);
    const text = this.#bytes.toString('utf8', this.pos, end);
    this.pos = end;
    this.expect(Q);
    return text;
  }

  #count(): number {
    const text = this.until(COLON).toString('latin1');
    if (!/^\d{1,9}$/.test(text)) this.fail(`element count '${text}'`);
    this.expect(OPEN);
    return Number(text);
  }

  #entries(count: number, depth: number, isObject: boolean): PhpValue {
    const keys: (string | number)[] = [];
    const values: PhpValue[] = [];
    for (let i = 0; i < count; i++) {
      const key = this.value(depth + 1);
      if (typeof key === 'number' && !isObject && Number.isInteger(key)) keys.push(key);
      else if (typeof key === 'string') keys.push(isObject ? unmangle(key) : key);
      else this.fail('an array key that is neither int nor string');
      values.push(this.value(depth + 1));
    }
    this.expect(CLOSE);
    if (!isObject && keys.every((k, i) => k === i)) return values;
    const out: { [key: string]: PhpValue } = {};
    keys.forEach((k, i) => Object.defineProperty(out, String(k), { value: values[i] as PhpValue, enumerable: true, writable: true, configurable: true }));
    return out;
  }
}

/** `\0Class\0name` (private) and `\0*\0name` (protected) as `name`. */
function unmangle(key: string): string {
  if (key.charCodeAt(0) !== 0) return key;
  const second = key.indexOf('\0', 1);
  return second === -1 ? key : key.slice(second + 1);
}

/** One whole serialize() string. */
export function unserialize(bytes: Buffer): PhpValue {
  const reader = new PhpReader(bytes);
  const value = reader.value();
  if (!reader.done) reader.fail('trailing bytes after the value');
  return value;
}
