/**
 * Breaking rules about one field kept under the same number: type, cardinality, name, JSON
 * name, oneof membership, default, and the options that change generated code (jstype, ctype,
 * UTF-8 validation). Fields pair by message full name and number, extensions by extendee and
 * number, as buf pairs them.
 */
import { FieldOptionsSchema, FileOptionsSchema } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { FIELD, FILE } from '../descriptor-paths.js';
import type { ExtensionElement, FieldElement } from '../elements.js';
import { FEATURE, FEATURES_IN, featurePath, UTF8_NAMES } from './features.js';
import {
  CARDINALITY_WIRE_GROUP,
  CARDINALITY_WIRE_JSON_GROUP,
  KIND_NAMES,
  TYPE_BYTES,
  TYPE_ENUM,
  TYPE_GROUP,
  TYPE_MESSAGE,
  TYPE_STRING,
  WIRE_GROUP,
  WIRE_JSON_GROUP,
  cardinalityOf,
  fieldFeatures,
  hasOneof,
  jsonNameOf,
  type Cardinality,
} from './field-semantics.js';
import { forMessagePairs } from './rules-messages.js';
import type { ImageIndex } from './image-index.js';
import { CSR_FILE_PACKAGE, FILE_PACKAGE, WIRE_AND_UP, WIRE_JSON_AND_UP, forPairs, type BreakingRule, type BreakingRuleContext } from './rule.js';

type AnyField = FieldElement | ExtensionElement;
type FieldCheck = (ctx: BreakingRuleContext, field: AnyField, previous: AnyField) => void;

const isExtension = (f: AnyField): f is ExtensionElement => f.kind === 'extension';
const typeName = (f: AnyField): string => (f.desc.typeName ?? '').replace(/^\./, '');
const isReference = (type: number | undefined): boolean => type === TYPE_MESSAGE || type === TYPE_ENUM || type === TYPE_GROUP;
const INT64_TYPES = new Set([3, 4, 6, 16, 18]);

function describe(f: AnyField, withName = true): string {
  const name = isExtension(f) ? f.fullName : (f.desc.name ?? '');
  const named = withName ? ` with name "${name}"` : '';
  return isExtension(f)
    ? `Extension "${f.desc.number}"${named} on message "${(f.desc.extendee ?? '').replace(/^\./, '')}"`
    : `Field "${f.desc.number}"${named} on message "${f.message.desc.name}"`;
}

function forFieldPairs(ctx: BreakingRuleContext, fn: (field: AnyField, previous: AnyField) => void): void {
  forMessagePairs(ctx, (message, previous) => forPairs(ctx.previous.fieldsOf(previous), ctx.current.fieldsOf(message), fn));
  forPairs(ctx.previous.extensions, ctx.current.extensions, fn);
}

function fieldRule(id: string, categories: readonly string[], check: FieldCheck): BreakingRule {
  return { id, categories, check: (ctx) => forFieldPairs(ctx, (field, previous) => check(ctx, field, previous)) };
}

/** The position of a field's type: the type name for messages and enums, the keyword otherwise. */
function typePath(f: AnyField): readonly number[] {
  return [...f.path, isReference(f.desc.type) ? FIELD.typeName : FIELD.type];
}

function reportTypeChange(ctx: BreakingRuleContext, field: AnyField, previous: AnyField, note = ''): void {
  const from = KIND_NAMES[previous.desc.type ?? 0] ?? '';
  const to = KIND_NAMES[field.desc.type ?? 0] ?? '';
  ctx.report(field.file, typePath(field), `${describe(field)} changed type from "${from}" to "${to}".${note}`, previous.file);
}

function reportTypeNameChange(ctx: BreakingRuleContext, field: AnyField, previous: AnyField): void {
  ctx.report(field.file, [...field.path, FIELD.typeName], `${describe(field)} changed type from "${typeName(previous)}" to "${typeName(field)}".`, previous.file);
}

/** Enum fields may switch to another enum of the same short name that still has every old value. */
function enumStillCompatible(ctx: BreakingRuleContext, field: AnyField, previous: AnyField): boolean {
  const before = ctx.previous.enums.get(typeName(previous));
  const after = ctx.current.enums.get(typeName(field));
  if (before === undefined || after === undefined || before.desc.name !== after.desc.name) return false;
  const values = new Set(after.desc.value.map((v) => `${v.name}=${v.number}`));
  return before.desc.value.every((v) => values.has(`${v.name}=${v.number}`));
}

function compatibleType(groups: Readonly<Record<number, number>>, stringToBytesOk: boolean, note: string): FieldCheck {
  return (ctx, field, previous) => {
    const before = previous.desc.type ?? 0;
    const after = field.desc.type ?? 0;
    if (groups[before] !== groups[after]) {
      // Every string is valid bytes, so string -> bytes keeps old data readable on the wire.
      if (stringToBytesOk && before === TYPE_STRING && after === TYPE_BYTES) return;
      reportTypeChange(ctx, field, previous, note);
      return;
    }
    if (!isReference(after) || typeName(previous) === typeName(field)) return;
    if (after === TYPE_ENUM && enumStillCompatible(ctx, field, previous)) return;
    reportTypeNameChange(ctx, field, previous);
  };
}

function cardinalityRule(id: string, categories: readonly string[], groups: Readonly<Record<Cardinality, number>> | undefined): BreakingRule {
  return fieldRule(id, categories, (ctx, field, previous) => {
    // Map entry fields are generated; their presence flavour carries no meaning.
    if (!isExtension(field) && !isExtension(previous) && field.message.isMapEntry && previous.message.isMapEntry) return;
    const before = cardinalityOf(previous, ctx.previous);
    const after = cardinalityOf(field, ctx.current);
    const differs = groups === undefined ? before !== after : groups[before] !== groups[after];
    if (differs) ctx.report(field.file, field.path, `${describe(field)} changed cardinality from "${before}" to "${after}".`, previous.file);
  });
}

function oneofName(f: AnyField): string | undefined {
  if (isExtension(f) || !hasOneof(f.desc)) return undefined;
  const index = f.desc.oneofIndex ?? 0;
  const members = f.message.desc.field.filter((x) => hasOneof(x) && x.oneofIndex === index);
  // A proto3 `optional` field's oneof is synthetic: the field is not "in a oneof".
  if (members.every((x) => x.proto3Optional === true)) return undefined;
  return f.message.desc.oneofDecl[index]?.name ?? '';
}

function utf8Validation(f: AnyField, index: ImageIndex): number {
  return fieldFeatures(f, index).utf8Validation;
}

export const fieldRules: readonly BreakingRule[] = [
  fieldRule('FIELD_SAME_TYPE', CSR_FILE_PACKAGE, (ctx, field, previous) => {
    if (previous.desc.type !== field.desc.type) reportTypeChange(ctx, field, previous);
    else if (isReference(field.desc.type) && typeName(previous) !== typeName(field)) reportTypeNameChange(ctx, field, previous);
  }),
  fieldRule('FIELD_WIRE_COMPATIBLE_TYPE', ['WIRE'], compatibleType(WIRE_GROUP, true, ' The old and new types are not compatible on the wire.')),
  fieldRule('FIELD_WIRE_JSON_COMPATIBLE_TYPE', ['CSR', 'WIRE_JSON'], compatibleType(WIRE_JSON_GROUP, false, ' The old and new types are not compatible on the wire or in JSON.')),
  cardinalityRule('FIELD_SAME_CARDINALITY', FILE_PACKAGE, undefined),
  cardinalityRule('FIELD_WIRE_COMPATIBLE_CARDINALITY', ['WIRE'], CARDINALITY_WIRE_GROUP),
  cardinalityRule('FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', ['CSR', 'WIRE_JSON'], CARDINALITY_WIRE_JSON_GROUP),
  fieldRule('FIELD_SAME_NAME', WIRE_JSON_AND_UP, (ctx, field, previous) => {
    const before = isExtension(previous) ? previous.fullName : (previous.desc.name ?? '');
    const after = isExtension(field) ? field.fullName : (field.desc.name ?? '');
    if (before !== after) ctx.report(field.file, [...field.path, FIELD.name], `${describe(field, false)} changed name from "${before}" to "${after}".`, previous.file);
  }),
  fieldRule('FIELD_SAME_JSON_NAME', WIRE_JSON_AND_UP, (ctx, field, previous) => {
    // Extensions cannot set json_name.
    if (isExtension(previous)) return;
    const before = jsonNameOf(previous.desc);
    const after = jsonNameOf(field.desc);
    if (before === after) return;
    const explicit = [...field.path, FIELD.jsonName];
    const at = field.file.source.get(explicit) === undefined ? field.path : explicit;
    ctx.report(field.file, at, `${describe(field)} changed option "json_name" from "${before}" to "${after}".`, previous.file);
  }),
  fieldRule('FIELD_SAME_ONEOF', WIRE_AND_UP, (ctx, field, previous) => {
    const before = oneofName(previous);
    const after = oneofName(field);
    if (before === after) return;
    const message =
      before !== undefined && after !== undefined
        ? `${describe(field)} moved from oneof "${before}" to oneof "${after}".`
        : `${describe(field)} moved from ${before === undefined ? 'outside' : 'inside'} to ${after === undefined ? 'outside' : 'inside'} a oneof.`;
    ctx.report(field.file, field.path, message, previous.file);
  }),
  fieldRule('FIELD_SAME_DEFAULT', WIRE_AND_UP, (ctx, field, previous) => {
    const scalar = (f: AnyField): boolean => f.desc.label !== 3 && f.desc.type !== TYPE_MESSAGE && f.desc.type !== TYPE_GROUP;
    if (!scalar(field) || !scalar(previous)) return;
    const before = previous.desc.defaultValue ?? '';
    const after = field.desc.defaultValue ?? '';
    if (before === '' && after === '') return;
    const numeric = (v: string): string => (v !== '' && !Number.isNaN(Number(v)) ? String(Number(v)) : v);
    if (numeric(before) === numeric(after)) return;
    const explicit = [...field.path, FIELD.defaultValue];
    const at = field.file.source.get(explicit) === undefined ? field.path : explicit;
    ctx.report(field.file, at, `${describe(field)} changed default value from ${before || 'none'} to ${after || 'none'}.`, previous.file);
  }),
  fieldRule('FIELD_SAME_JSTYPE', FILE_PACKAGE, (ctx, field, previous) => {
    if (!INT64_TYPES.has(field.desc.type ?? 0) || !INT64_TYPES.has(previous.desc.type ?? 0)) return;
    const names = ['JS_NORMAL', 'JS_STRING', 'JS_NUMBER'];
    const before = previous.desc.options?.jstype ?? 0;
    const after = field.desc.options?.jstype ?? 0;
    if (before === after) return;
    const explicit = [...field.path, FIELD.options, FieldOptionsSchema.field.jstype.number];
    const at = field.file.source.get(explicit) === undefined ? field.path : explicit;
    ctx.report(field.file, at, `${describe(field)} changed option "jstype" from "${names[before]}" to "${names[after]}".`, previous.file);
  }),
  fieldRule('FIELD_SAME_CPP_STRING_TYPE', FILE_PACKAGE, (ctx, field, previous) => {
    const stringLike = (f: AnyField): boolean => f.desc.type === TYPE_STRING || f.desc.type === TYPE_BYTES;
    if (!stringLike(field) || !stringLike(previous)) return;
    if (!isExtension(field) && !isExtension(previous) && field.message.isMapEntry && previous.message.isMapEntry) return;
    const names = ['STRING', 'CORD', 'STRING_PIECE'];
    const before = previous.desc.options?.ctype ?? 0;
    const after = field.desc.options?.ctype ?? 0;
    // STRING_PIECE -> STRING is allowed: generated code only gains accessors.
    if (before === after || (before === 2 && after === 0)) return;
    const explicit = [...field.path, FIELD.options, FieldOptionsSchema.field.ctype.number];
    const at = field.file.source.get(explicit) === undefined ? field.path : explicit;
    ctx.report(field.file, at, `${describe(field)} changed C++ string type from "${names[before]}" to "${names[after]}".`, previous.file);
  }),
  fieldRule('FIELD_SAME_JAVA_UTF8_VALIDATION', FILE_PACKAGE, (ctx, field, previous) => {
    if (field.desc.type !== TYPE_STRING || previous.desc.type !== TYPE_STRING) return;
    const java = (f: AnyField, index: ImageIndex): number => (f.file.proto.options?.javaStringCheckUtf8 === true ? 2 : utf8Validation(f, index));
    const before = java(previous, ctx.previous);
    const after = java(field, ctx.current);
    if (before === after) return;
    const option = [FILE.options, FileOptionsSchema.field.javaStringCheckUtf8.number];
    const at = field.file.source.get(option) === undefined ? field.path : option;
    ctx.report(field.file, at, `${describe(field)} changed Java string UTF8 validation from "${UTF8_NAMES[before]}" to "${UTF8_NAMES[after]}".`, previous.file);
  }),
  fieldRule('FIELD_SAME_UTF8_VALIDATION', FILE_PACKAGE, (ctx, field, previous) => {
    if (field.desc.type !== TYPE_STRING || previous.desc.type !== TYPE_STRING) return;
    const before = utf8Validation(previous, ctx.previous);
    const after = utf8Validation(field, ctx.current);
    if (before === after) return;
    const at = featurePath(field.file, field.path, FIELD.options, FEATURES_IN.fieldOptions, FEATURE.utf8Validation);
    ctx.report(field.file, at, `${describe(field)} changed UTF8 validation from ${UTF8_NAMES[before]} to ${UTF8_NAMES[after]}.`, previous.file);
  }),
];
