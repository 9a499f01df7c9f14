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
          const covered = [...m.desc.reservedRange, ...m.desc.extensionRange].map((r) => [r.start ?? 0, (r.end ?? 0) - 1] as const);
          const taken = new Set(m.desc.field.map((f) => f.number ?? 0));
          const isCovered = (n: number): boolean => taken.has(n) || covered.some(([lo, hi]) => n >= lo && n <= hi);
          const max = Math.max(0, ...taken);
          const missing: number[] = [];
          for (let n = 1; n < max; n++) if (!isCovered(n)) missing.push(n);
          if (missing.length === 0) continue;
          ctx.report(file, [...m.path, MESSAGE.name], `Message "${m.desc.name}" skips field numbers ${ranges(missing)}; reserve them or renumber.`, [m.path]);
        }
      }
    },
  },
];

function ranges(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && (numbers[j + 1] as number) === (numbers[j] as number) + 1) j++;
    parts.push(i === j ? `${numbers[i]}` : `${numbers[i]} to ${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
