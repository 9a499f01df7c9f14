/**
 * Rules the article adds beyond buf. FIELD_NUMBERS_CONTIGUOUS: field numbers run 1..n without
 * gaps, except gaps covered by `reserved` ranges (a gap usually means a field was deleted
 * without reserving its number, so it can be reused by mistake). Extension ranges also count
 * as covered. The other two article rules (ENUM_ZERO_VALUE_SUFFIX, FIELD_LOWER_SNAKE_CASE) are
 * buf's own and run as such.
 */
import { elementsOf } from '../../elements.js';
import { MESSAGE } from '../../descriptor-paths.js';
import type { LintRule } from '../rule.js';

export const articleRules: readonly LintRule[] = [
  {
    id: 'FIELD_NUMBERS_CONTIGUOUS',
    categories: ['SWITCHYARD'],
    purpose: 'field numbers have no gaps other than reserved ranges',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).messages) {
          if (m.isMapEntry) continue;
          const missing = gaps(m.desc.field.map((f) => f.number ?? 0), [...m.desc.reservedRange, ...m.desc.extensionRange]);
          if (missing.length === 0) continue;
          ctx.report(file, [...m.path, MESSAGE.name], `Message "${m.desc.name}" skips field numbers ${missing.join(', ')}; reserve them or renumber.`, [m.path]);
        }
      }
    },
  },
];

/**
 * The numbers below the highest field number that no field, reserved range or extension range
 * takes, as "3" or "3 to 4" runs. Worked out on sorted intervals, not number by number: field
 * numbers go up to 536870911, and real trees use numbers in the millions.
 */
export function gaps(numbers: readonly number[], ranges: readonly { start?: number; end?: number }[]): string[] {
  // Reserved and extension ranges are half-open [start, end) in descriptors.
  const taken = [...numbers.map((n) => [n, n] as const), ...ranges.map((r) => [r.start ?? 0, (r.end ?? 0) - 1] as const)].sort((a, b) => a[0] - b[0]);
  const max = Math.max(0, ...numbers);
  const out: string[] = [];
  let next = 1;
  for (const [lo, hi] of taken) {
    if (next >= max) break;
    if (lo > next) {
      const last = Math.min(lo, max) - 1;
      out.push(last === next ? `${next}` : `${next} to ${last}`);
    }
    next = Math.max(next, hi + 1);
  }
  return out;
}
