/**
 * Two JSON documents compared field by field, the differences named by RFC 6901 pointers: key
 * order is no difference (objects are compared key by key) nor is whitespace (documents are
 * parsed first); `ignore` pointers are skipped with everything below them; `unordered` arrays
 * are compared as multisets of their elements; normalisers make values at and below their
 * pointer comparable first. Written for the shadow, which needs the pointers of every
 * difference (not a patch) and these rules applied while walking.
 */
import type { ShadowCompareConfig, ShadowNormalizer } from '../../config/types.js';
import { childPointer, isAtOrBelow } from './json-pointer.js';

export interface Difference {
  readonly pointer: string;
  /** The baseline's value; undefined when the field is absent there. */
  readonly baseline: unknown;
  /** The other side's value; undefined when the field is absent there. */
  readonly target: unknown;
}

/** Differences listed at most per comparison; a response differing in more is still one mismatch. */
export const MAX_DIFFERENCES = 100;

type Rules = Pick<ShadowCompareConfig, 'ignore' | 'unordered' | 'normalize'>;

export function diffJson(baseline: unknown, target: unknown, rules: Rules, at = ''): Difference[] {
  const out: Difference[] = [];
  walk(baseline, target, at, rules, out);
  return out;
}

function walk(a: unknown, b: unknown, pointer: string, rules: Rules, out: Difference[]): void {
  if (out.length >= MAX_DIFFERENCES) return;
  if (rules.ignore.some((p) => isAtOrBelow(pointer, p))) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (rules.unordered.includes(pointer)) {
      if (!sameMultiset(a, b, pointer, rules)) out.push({ pointer, baseline: a, target: b });
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], childPointer(pointer, i), rules, out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) walk(a[key], b[key], childPointer(pointer, key), rules, out);
    for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) walk(undefined, b[key], childPointer(pointer, key), rules, out);
    return;
  }
  const how = normalizerAt(pointer, rules);
  if (!Object.is(normalize(a, how), normalize(b, how))) out.push({ pointer, baseline: a, target: b });
}

function sameMultiset(a: readonly unknown[], b: readonly unknown[], pointer: string, rules: Rules): boolean {
  if (a.length !== b.length) return false;
  const counts = new Map<string, number>();
  for (const item of a) {
    const key = canonical(item, pointer, rules);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const item of b) {
    const key = canonical(item, pointer, rules);
    const n = counts.get(key);
    if (n === undefined || n === 0) return false;
    counts.set(key, n - 1);
  }
  return true;
}

/** A text equal for equal values: keys sorted, normalisers applied (element pointers are the array's). */
function canonical(value: unknown, pointer: string, rules: Rules): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, pointer, rules)).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k], pointer, rules)}`)
      .join(',')}}`;
  }
  return JSON.stringify(normalize(value, normalizerAt(pointer, rules))) ?? 'undefined';
}

/** The normaliser of the nearest pointer at or above `pointer`. */
function normalizerAt(pointer: string, rules: Rules): ShadowNormalizer | undefined {
  let best: string | undefined;
  for (const p of Object.keys(rules.normalize)) if (isAtOrBelow(pointer, p) && (best === undefined || p.length > best.length)) best = p;
  return best === undefined ? undefined : rules.normalize[best];
}

function normalize(value: unknown, how: ShadowNormalizer | undefined): unknown {
  switch (how) {
    case 'trim':
      return typeof value === 'string' ? value.trim() : value;
    case 'lowercase':
      return typeof value === 'string' ? value.toLowerCase() : value;
    case 'number': {
      if (typeof value !== 'string' || value.trim() === '') return value;
      const n = Number(value);
      return Number.isNaN(n) ? value : n;
    }
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    default:
      return value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
