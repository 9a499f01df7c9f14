/** Breaking rules about enums kept under the same full name: values, names, reserved ranges, open/closed, JSON. */
import { ENUM_VALUE, ENUM } from '../descriptor-paths.js';
import type { EnumElement } from '../elements.js';
import { addTo } from '../../../group-by.js';
import { FEATURE, FEATURES_IN, featurePath, fileFeatures, JSON_FORMAT_NAMES, overlay, type Features } from './features.js';
import type { ImageIndex } from './image-index.js';
import { collapse, missing, rangeText, type Range } from './tag-ranges.js';
import { CSR_FILE_PACKAGE, FILE_PACKAGE, WIRE_AND_UP, WIRE_JSON_AND_UP, forPairs, type BreakingRule, type BreakingRuleContext } from './rule.js';

// Enum numbers are int32 (descriptor.proto).
const MAX_ENUM = 2147483647;

function forEnumPairs(ctx: BreakingRuleContext, fn: (en: EnumElement, previous: EnumElement) => void): void {
  forPairs(ctx.previous.enums, ctx.current.enums, fn);
}

function namesByNumber(en: EnumElement): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const v of en.desc.value) addTo(out, v.number ?? 0, v.name ?? '');
  return out;
}

function enumFeatures(en: EnumElement, index: ImageIndex): Features {
  // Enum scope: file, enclosing messages, then the enum's own features.
  const parent = index.message(en.fullName.slice(0, en.fullName.lastIndexOf('.')));
  const chain = parent === undefined ? [] : index.messageChain(parent);
  return overlay(fileFeatures(en.file.proto), ...chain.map((m) => m.desc.options?.features), en.desc.options?.features);
}

function valueNoDelete(id: string, categories: readonly string[], unless: 'number' | 'name' | undefined): BreakingRule {
  return {
    id,
    categories,
    check(ctx) {
      forEnumPairs(ctx, (en, previous) => {
        const now = namesByNumber(en);
        const reserved = en.desc.reservedRange.map((r) => [r.start ?? 0, r.end ?? 0] as const);
        for (const [n, names] of namesByNumber(previous)) {
          if (now.has(n)) continue;
          if (unless === 'number' && reserved.some(([lo, hi]) => n >= lo && n <= hi)) continue;
          if (unless === 'name' && names.every((name) => en.desc.reservedName.includes(name))) continue;
          const suffix =
            unless === 'number'
              ? ` without reserving the number "${n}"`
              : unless === 'name'
                ? ` without reserving the name${names.length > 1 ? 's' : ''} ${names.sort().map((x) => `"${x}"`).join(', ')}`
                : '';
          ctx.report(en.file, en.path, `Previously present enum value "${n}" on enum "${en.desc.name}" was deleted${suffix}.`, previous.file);
        }
      });
    },
  };
}

export const enumRules: readonly BreakingRule[] = [
  valueNoDelete('ENUM_VALUE_NO_DELETE', CSR_FILE_PACKAGE, undefined),
  valueNoDelete('ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', ['CSR', 'WIRE_JSON', 'WIRE'], 'number'),
  valueNoDelete('ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED', ['CSR', 'WIRE_JSON'], 'name'),
  {
    id: 'ENUM_VALUE_SAME_NAME',
    categories: WIRE_JSON_AND_UP,
    check(ctx) {
      forEnumPairs(ctx, (en, previous) => {
        const before = namesByNumber(previous);
        for (const [n, names] of namesByNumber(en)) {
          const old = before.get(n);
          // Every name a number has now must have been one of its names before (aliases may be dropped).
          if (old === undefined || names.every((name) => old.includes(name))) continue;
          const plural = old.length > 1 && names.length > 1 ? 's' : '';
          const list = (xs: string[]): string => [...xs].sort().map((x) => `"${x}"`).join(', ');
          en.desc.value.forEach((v, i) => {
            if (v.number !== n) return;
            ctx.report(en.file, [...en.path, ENUM.value, i, ENUM_VALUE.number], `Enum value "${n}" on enum "${en.desc.name}" changed name${plural} from ${list(old)} to ${list(names)}.`, previous.file);
          });
        }
      });
    },
  },
  {
    id: 'RESERVED_ENUM_NO_DELETE',
    categories: WIRE_AND_UP,
    check(ctx) {
      forEnumPairs(ctx, (en, previous) => {
        const ranges = (e: EnumElement): Range[] => e.desc.reservedRange.map((r) => [r.start ?? 0, r.end ?? 0]);
        const covered = collapse(ranges(en));
        for (const range of ranges(previous)) {
          const gone = missing(range, covered);
          if (gone.length === 0) continue;
          ctx.report(
            en.file,
            en.path,
            `Previously present reserved range "${rangeText(range, MAX_ENUM)}" on enum "${en.desc.name}" is missing values: ${gone.map((r) => rangeText(r, MAX_ENUM)).join(', ')} were removed.`,
            previous.file,
          );
        }
        for (const name of previous.desc.reservedName) {
          if (!en.desc.reservedName.includes(name)) ctx.report(en.file, en.path, `Previously present reserved name "${name}" on enum "${en.desc.name}" was deleted.`, previous.file);
        }
      });
    },
  },
  {
    id: 'ENUM_SAME_TYPE',
    categories: FILE_PACKAGE,
    check(ctx) {
      forEnumPairs(ctx, (en, previous) => {
        const closed = (e: EnumElement, index: ImageIndex): boolean => enumFeatures(e, index).enumType === 2;
        const before = closed(previous, ctx.previous);
        const after = closed(en, ctx.current);
        if (before === after) return;
        const at = featurePath(en.file, en.path, ENUM.options, FEATURES_IN.enumOptions, FEATURE.enumType);
        ctx.report(en.file, at, `Enum "${en.desc.name}" changed from ${before ? 'closed' : 'open'} to ${after ? 'closed' : 'open'}.`, previous.file);
      });
    },
  },
  {
    id: 'ENUM_SAME_JSON_FORMAT',
    categories: WIRE_JSON_AND_UP,
    check(ctx) {
      forEnumPairs(ctx, (en, previous) => {
        const before = enumFeatures(previous, ctx.previous).jsonFormat;
        const after = enumFeatures(en, ctx.current).jsonFormat;
        if (before !== 1 || after === 1) return;
        const at = featurePath(en.file, en.path, ENUM.options, FEATURES_IN.enumOptions, FEATURE.jsonFormat);
        ctx.report(en.file, at, `Enum "${en.desc.name}" JSON format support changed from ${JSON_FORMAT_NAMES[before]} to ${JSON_FORMAT_NAMES[after]}.`, previous.file);
      });
    },
  },
];
