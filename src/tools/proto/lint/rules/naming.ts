/** buf's case rules: names of messages, fields, oneofs, enums, values, services, RPCs, packages, files. */
import { isFieldSet } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, type DescriptorProto } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { elementsOf, type Element, type FileElements } from '../../elements.js';
import { ENUM, ENUM_VALUE, FIELD, FILE, MESSAGE, METHOD, ONEOF, SERVICE } from '../../descriptor-paths.js';
import { toLowerSnakeCase, toPascalCase, toUpperSnakeCase } from '../naming-case.js';
import { BASIC, STANDARD, type LintRule } from '../rule.js';

type Case = 'PascalCase' | 'lower_snake_case' | 'UPPER_SNAKE_CASE';
const CONVERT: Record<Case, (s: string) => string> = { PascalCase: toPascalCase, lower_snake_case: toLowerSnakeCase, UPPER_SNAKE_CASE: toUpperSnakeCase };

/** One rule of the shape buf uses for every element kind: "<Kind> name "x" should be <case>, such as "y"." */
function caseRule<E extends Element<{ name?: string }>>(spec: {
  id: string;
  kind: string;
  style: Case;
  elements: (all: FileElements) => readonly E[];
  /** Path field number of `name` in the element's descriptor. */
  nameField: number;
  /** Elements the rule does not judge (map entries, synthetic oneofs). */
  skip?: (element: E) => boolean;
}): LintRule {
  const convert = CONVERT[spec.style];
  return {
    id: spec.id,
    categories: BASIC,
    purpose: `${/^[A-Z][a-z]/.test(spec.kind) ? spec.kind.toLowerCase() : spec.kind} names are ${spec.style}`,
    check(ctx) {
      for (const file of ctx.targets) {
        for (const e of spec.elements(elementsOf(file))) {
          const name = e.desc.name ?? '';
          if (spec.skip?.(e) === true || convert(name) === name) continue;
          ctx.report(file, [...e.path, spec.nameField], `${spec.kind} name "${name}" should be ${spec.style}, such as "${convert(name)}".`, [e.path]);
        }
      }
    },
  };
}

export const namingRules: readonly LintRule[] = [
  caseRule({ id: 'MESSAGE_PASCAL_CASE', kind: 'Message', style: 'PascalCase', elements: (a) => a.messages, nameField: MESSAGE.name, skip: (m) => m.isMapEntry }),
  caseRule({ id: 'FIELD_LOWER_SNAKE_CASE', kind: 'Field', style: 'lower_snake_case', elements: (a) => a.fields, nameField: FIELD.name, skip: (f) => f.message.isMapEntry }),
  // proto3 `optional` fields live in a synthetic oneof the user never wrote.
  caseRule({ id: 'ONEOF_LOWER_SNAKE_CASE', kind: 'Oneof', style: 'lower_snake_case', elements: (a) => a.oneofs, nameField: ONEOF.name, skip: (o) => isSyntheticOneof(o.message.desc, o.index) }),
  caseRule({ id: 'ENUM_PASCAL_CASE', kind: 'Enum', style: 'PascalCase', elements: (a) => a.enums, nameField: ENUM.name }),
  caseRule({ id: 'ENUM_VALUE_UPPER_SNAKE_CASE', kind: 'Enum value', style: 'UPPER_SNAKE_CASE', elements: (a) => a.enumValues, nameField: ENUM_VALUE.name }),
  caseRule({ id: 'SERVICE_PASCAL_CASE', kind: 'Service', style: 'PascalCase', elements: (a) => a.services, nameField: SERVICE.name }),
  caseRule({ id: 'RPC_PASCAL_CASE', kind: 'RPC', style: 'PascalCase', elements: (a) => a.methods, nameField: METHOD.name }),
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
