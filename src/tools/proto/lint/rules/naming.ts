/** buf's case rules: names of messages, fields, oneofs, enums, values, services, RPCs, packages, files. */
import { isFieldSet } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, type DescriptorProto } from '@bufbuild/protobuf/wkt';
import { elementsOf } from '../../elements.js';
import { ENUM, ENUM_VALUE, FIELD, FILE, MESSAGE, METHOD, ONEOF, SERVICE } from '../../descriptor-paths.js';
import { toLowerSnakeCase, toPascalCase, toUpperSnakeCase } from '../naming-case.js';
import { BASIC, STANDARD, type LintRule } from '../rule.js';

const isPascal = (s: string): boolean => toPascalCase(s) === s;

export const namingRules: readonly LintRule[] = [
  {
    id: 'MESSAGE_PASCAL_CASE',
    categories: BASIC,
    purpose: 'message names are PascalCase',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).messages) {
          const name = m.desc.name ?? '';
          if (m.isMapEntry || isPascal(name)) continue;
          ctx.report(file, [...m.path, MESSAGE.name], `Message name "${name}" should be PascalCase, such as "${toPascalCase(name)}".`, [m.path]);
        }
      }
    },
  },
  {
    id: 'FIELD_LOWER_SNAKE_CASE',
    categories: BASIC,
    purpose: 'field names are lower_snake_case',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const f of elementsOf(file).fields) {
          const name = f.desc.name ?? '';
          if (f.message.isMapEntry || toLowerSnakeCase(name) === name) continue;
          ctx.report(file, [...f.path, FIELD.name], `Field name "${name}" should be lower_snake_case, such as "${toLowerSnakeCase(name)}".`, [f.path]);
        }
      }
    },
  },
  {
    id: 'ONEOF_LOWER_SNAKE_CASE',
    categories: BASIC,
    purpose: 'oneof names are lower_snake_case',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const o of elementsOf(file).oneofs) {
          const name = o.desc.name ?? '';
          // proto3 `optional` fields live in a synthetic oneof the user never wrote.
          if (isSyntheticOneof(o.message.desc, o.index) || toLowerSnakeCase(name) === name) continue;
          ctx.report(file, [...o.path, ONEOF.name], `Oneof name "${name}" should be lower_snake_case, such as "${toLowerSnakeCase(name)}".`, [o.path]);
        }
      }
    },
  },
  {
    id: 'ENUM_PASCAL_CASE',
    categories: BASIC,
    purpose: 'enum names are PascalCase',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const e of elementsOf(file).enums) {
          const name = e.desc.name ?? '';
          if (isPascal(name)) continue;
          ctx.report(file, [...e.path, ENUM.name], `Enum name "${name}" should be PascalCase, such as "${toPascalCase(name)}".`, [e.path]);
        }
      }
    },
  },
  {
    id: 'ENUM_VALUE_UPPER_SNAKE_CASE',
    categories: BASIC,
    purpose: 'enum value names are UPPER_SNAKE_CASE',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const v of elementsOf(file).enumValues) {
          const name = v.desc.name ?? '';
          if (toUpperSnakeCase(name) === name) continue;
          ctx.report(file, [...v.path, ENUM_VALUE.name], `Enum value name "${name}" should be UPPER_SNAKE_CASE, such as "${toUpperSnakeCase(name)}".`, [v.path]);
        }
      }
    },
  },
  {
    id: 'SERVICE_PASCAL_CASE',
    categories: BASIC,
    purpose: 'service names are PascalCase',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const s of elementsOf(file).services) {
          const name = s.desc.name ?? '';
          if (isPascal(name)) continue;
          ctx.report(file, [...s.path, SERVICE.name], `Service name "${name}" should be PascalCase, such as "${toPascalCase(name)}".`, [s.path]);
        }
      }
    },
  },
  {
    id: 'RPC_PASCAL_CASE',
    categories: BASIC,
    purpose: 'RPC names are PascalCase',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const name = m.desc.name ?? '';
          if (isPascal(name)) continue;
          ctx.report(file, [...m.path, METHOD.name], `RPC name "${name}" should be PascalCase, such as "${toPascalCase(name)}".`, [m.path]);
        }
      }
    },
  },
  {
    id: 'PACKAGE_LOWER_SNAKE_CASE',
    categories: BASIC,
    purpose: 'package names are lower_snake.case',
    check(ctx) {
      for (const file of ctx.targets) {
        const pkg = file.proto.package ?? '';
        if (pkg === '') continue;
        const expected = pkg.split('.').map(toLowerSnakeCase).join('.');
        if (expected === pkg) continue;
        ctx.report(file, [FILE.package], `Package name "${pkg}" should be lower_snake.case, such as "${expected}".`);
      }
    },
  },
  {
    id: 'FILE_LOWER_SNAKE_CASE',
    categories: STANDARD,
    purpose: 'file names are lower_snake_case',
    check(ctx) {
      for (const file of ctx.targets) {
        const base = (file.name.split('/').pop() ?? '').replace(/\.proto$/, '');
        if (toLowerSnakeCase(base) === base) continue;
        ctx.report(file, [], `Filename "${file.name.split('/').pop()}" should be lower_snake_case, such as "${toLowerSnakeCase(base)}.proto".`);
      }
    },
  },
];

/** A proto3 `optional` field's oneof, which the user never wrote. */
export function isSyntheticOneof(message: DescriptorProto, index: number): boolean {
  const members = message.field.filter((f) => isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) && f.oneofIndex === index);
  return members.length === 1 && members[0]?.proto3Optional === true;
}
