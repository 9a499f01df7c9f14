/**
 * A compiled `FilterSpec` (filter-spec.ts): tells whether a parsed line is kept. It makes a field's
 * string only when a clause reads that field, so a filter on `status` costs a number comparison.
 * Without any filter no `RecordFilter` exists and the scan does not call one (aggregate/stats.ts).
 * A line that lacks a field a clause reads (no duration for `time`, no time for `--since`) is
 * filtered out: it cannot be shown to match.
 */
import type { ByteRecord } from '../format/layout-bytes.js';
import type { LogRecord } from '../format/log-record.js';
import type { Clause, FilterSpec } from './filter-spec.js';

/** The fields of a line a clause can read, whichever parser produced it. */
interface Fields {
  status(): number;
  bytes(): number;
  /** Seconds; NaN when not logged. */
  time(): number;
  method(): string;
  path(): string;
  ip(): string;
}

type Test = (f: Fields) => boolean;

function compare(op: Clause['op'], a: number | string, b: number | string): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '~': return false; // compiled apart below
  }
}

function compileClause(c: Clause): Test {
  const field = c.field;
  if (c.op === '~') {
    const re = new RegExp(c.value as string);
    return (f) => re.test(f[field]() as string);
  }
  if (field === 'time') return (f) => {
    const t = f.time();
    return t === t && compare(c.op, t, c.value);
  };
  return (f) => compare(c.op, f[field](), c.value);
}

function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

export class RecordFilter {
  readonly #tests: readonly Test[];
  readonly #since: number;
  readonly #until: number;
  readonly #timed: boolean;
  #buf: Buffer = Buffer.alloc(0);
  #byteRec: ByteRecord | undefined;
  #rec: LogRecord | undefined;
  readonly #fromBytes: Fields;
  readonly #fromRecord: Fields;

  constructor(spec: FilterSpec) {
    this.#tests = spec.clauses.map(compileClause);
    this.#since = spec.since;
    this.#until = spec.until;
    this.#timed = spec.since === spec.since || spec.until === spec.until;
    const b = (): ByteRecord => this.#byteRec as ByteRecord;
    const r = (): LogRecord => this.#rec as LogRecord;
    this.#fromBytes = {
      status: () => b().status,
      bytes: () => b().bytes,
      time: () => b().latencyUs / 1e6,
      method: () => this.#buf.toString('latin1', b().methodStart, b().methodEnd),
      path: () => pathOf(this.#buf.toString('latin1', b().targetStart, b().targetEnd)),
      ip: () => this.#buf.toString('latin1', b().clientStart, b().clientEnd),
    };
    this.#fromRecord = {
      status: () => r().status,
      bytes: () => r().bytes,
      time: () => r().latencyUs / 1e6,
      method: () => r().method,
      path: () => pathOf(r().target),
      ip: () => r().client,
    };
  }

  #inWindow(time: number): boolean {
    if (!this.#timed) return true;
    // NaN (no time on the line) fails both comparisons: it cannot be placed in the window.
    return !(time < this.#since) && !(time >= this.#until) && time === time;
  }

  /** Whether a line read by format/layout-bytes.ts is kept. */
  keepsBytes(buf: Buffer, rec: ByteRecord): boolean {
    if (!this.#inWindow(rec.time)) return false;
    this.#buf = buf;
    this.#byteRec = rec;
    for (const t of this.#tests) if (!t(this.#fromBytes)) return false;
    return true;
  }

  /** Whether a line read into a `LogRecord` (JSON, W3C, stdin fallbacks) is kept. */
  keeps(rec: LogRecord): boolean {
    if (!this.#inWindow(rec.time)) return false;
    this.#rec = rec;
    for (const t of this.#tests) if (!t(this.#fromRecord)) return false;
    return true;
  }
}
