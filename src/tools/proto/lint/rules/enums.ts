/** buf's enum rules: zero first value, no aliases, value prefixes, zero value suffix. */
import { elementsOf, type EnumElement } from '../../elements.js';
import { ENUM, ENUM_OPTIONS, ENUM_VALUE } from '../../descriptor-paths.js';
import { toUpperSnakeCase } from '../naming-case.js';
import { BASIC, STANDARD, type LintRule } from '../rule.js';

export const enumRules: readonly LintRule[] = [
  {
    id: 'ENUM_FIRST_VALUE_ZERO',
    categories: BASIC,
    purpose: 'the first value of every enum is 0',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const e of elementsOf(file).enums) {
          const first = e.desc.value[0];
          if (first === undefined || first.number === 0) continue;
          const path = [...e.path, ENUM.value, 0];
          ctx.report(file, [...path, ENUM_VALUE.number], `First enum value "${first.name}" should have a numeric value of 0`, [path]);
        }
      }
    },
  },
  {
    id: 'ENUM_NO_ALLOW_ALIAS',
    categories: BASIC,
    purpose: 'enums do not set allow_alias',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const e of elementsOf(file).enums) {
          if (e.desc.options?.allowAlias !== true) continue;
          ctx.report(file, [...e.path, ENUM.options, ENUM_OPTIONS.allowAlias], `Enum option "allow_alias" on enum "${e.desc.name}" must be removed.`, [e.path]);
        }
      }
    },
  },
  {
    id: 'ENUM_VALUE_PREFIX',
    categories: STANDARD,
    purpose: 'enum values are prefixed with the enum name in UPPER_SNAKE_CASE',
    check(ctx) {
      // One prefix per enum, not per value.
      const prefixes = new Map<EnumElement, string>();
      for (const file of ctx.targets) {
        for (const v of elementsOf(file).enumValues) {
          let prefix = prefixes.get(v.enum);
          if (prefix === undefined) prefixes.set(v.enum, (prefix = `${toUpperSnakeCase(v.enum.desc.name ?? '')}_`));
          const name = v.desc.name ?? '';
          if (name.startsWith(prefix)) continue;
          ctx.report(file, [...v.path, ENUM_VALUE.name], `Enum value name "${name}" should be prefixed with "${prefix}".`, [v.path]);
        }
      }
    },
  },
  {
    id: 'ENUM_ZERO_VALUE_SUFFIX',
    categories: STANDARD,
    purpose: 'enum zero values end in the configured suffix (default _UNSPECIFIED)',
    check(ctx) {
      const suffix = ctx.options.enumZeroValueSuffix;
      for (const file of ctx.targets) {
        for (const v of elementsOf(file).enumValues) {
          const name = v.desc.name ?? '';
          if (v.desc.number !== 0 || name.endsWith(suffix)) continue;
          ctx.report(file, [...v.path, ENUM_VALUE.name], `Enum zero value name "${name}" should be suffixed with "${suffix}".`, [v.path]);
        }
      }
    },
  },
];
