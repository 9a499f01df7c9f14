/**
 * `--filter EXPR`, `--since`, `--until` parsed into plain data (it is posted to worker threads and
 * compiled there, record-filter.ts). An expression is `FIELD OP VALUE`: `status>=500`,
 * `path~^/api`, `method=POST`. Every problem is one line with SY_ERR_LOG_FILTER, before any
 * input is read.
 */
import { SwitchyardError } from '../../../errors.js';

const NUMBER_FIELDS = ['status', 'bytes', 'time'] as const;
const STRING_FIELDS = ['method', 'path', 'ip'] as const;
export type FilterField = (typeof NUMBER_FIELDS)[number] | (typeof STRING_FIELDS)[number];
export type FilterOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';

export interface Clause {
  readonly field: FilterField;
  readonly op: FilterOp;
  /** A number for number fields; the text (or the regex source, for `~`) for string fields. */
  readonly value: number | string;
}

export interface FilterSpec {
  /** All must hold (AND). */
  readonly clauses: readonly Clause[];
  /** Epoch ms: lines before `since` or at/after `until` are filtered out; NaN: no bound. */
  readonly since: number;
  readonly until: number;
}

function filterError(message: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_LOG_FILTER', message);
}

const FIELDS: readonly string[] = [...NUMBER_FIELDS, ...STRING_FIELDS];
// Longest operators first, so `>=` is not read as `>` then `=...`.
const EXPRESSION = /^\s*([a-z]+)\s*(!=|>=|<=|=|>|<|~)\s*(.*?)\s*$/;

function parseClause(text: string): Clause {
  const m = EXPRESSION.exec(text);
  if (m === null) throw filterError(`--filter "${text}" must be FIELD OP VALUE, e.g. status>=500 or path~^/api (fields: ${FIELDS.join(', ')}; operators: = != > >= < <= ~)`);
  const [, field = '', op = '', raw = ''] = m;
  if (!FIELDS.includes(field)) throw filterError(`--filter "${text}": unknown field "${field}" (fields: ${FIELDS.join(', ')})`);
  if ((NUMBER_FIELDS as readonly string[]).includes(field)) {
    if (op === '~') throw filterError(`--filter "${text}": ~ matches text; ${field} is a number, compare it with = != > >= < <=`);
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw filterError(`--filter "${text}": ${field} needs a number, got "${raw}"`);
    return { field: field as FilterField, op: op as FilterOp, value };
  }
  if (op !== '=' && op !== '!=' && op !== '~') throw filterError(`--filter "${text}": ${field} is text; use = != or ~ (a regular expression)`);
  if (op === '~') {
    try {
      new RegExp(raw);
    } catch (err) {
      throw filterError(`--filter "${text}": ${(err as Error).message}`);
    }
  }
  return { field: field as FilterField, op, value: raw };
}

/**
 * An ISO 8601 date (`2026-11-01`, the whole UTC day) or timestamp (`2026-11-01T10:00:00Z`,
 * `...+02:00`; without an offset it is UTC, as the reports are). Returns epoch ms; `end` makes a
 * bare date mean the end of that day, so `--until 2026-11-01` includes it.
 */
export function parseInstant(flag: string, text: string, end: boolean): number {
  const date = /^\d{4}-\d\d-\d\d$/.test(text);
  const stamp = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/.test(text);
  if (!date && !stamp) throw filterError(`${flag} must be an ISO 8601 date or timestamp (2026-11-01, 2026-11-01T10:00:00Z), got "${text}"`);
  const zoned = date || /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  // Date.parse rolls 2019-02-30 over into March: check the calendar date exists.
  const [y = 0, m = 0, d = 0] = text.slice(0, 10).split('-').map(Number);
  if (Number.isNaN(ms) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) throw filterError(`${flag} "${text}" is not a real date`);
  return date && end ? ms + 86_400_000 : ms;
}

export function parseFilter(filters: readonly string[], since: string | undefined, until: string | undefined): FilterSpec | undefined {
  if (filters.length === 0 && since === undefined && until === undefined) return undefined;
  const spec: FilterSpec = {
    clauses: filters.map(parseClause),
    since: since === undefined ? NaN : parseInstant('--since', since, false),
    until: until === undefined ? NaN : parseInstant('--until', until, true),
  };
  if (spec.since >= spec.until) throw filterError(`--since ${since} is not before --until ${until}`);
  return spec;
}
