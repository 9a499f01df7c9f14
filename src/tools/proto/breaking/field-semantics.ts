/**
 * What a field means on the wire and in JSON, derived from its descriptor: its kind, its
 * cardinality (protoreflect's: repeated, map, required, optional with explicit or implicit
 * presence), and the compatibility groups of the protobuf language guide's "Updating a message
 * type" and JSON mapping sections, which say which changes old and new code survive.
 */
import { isFieldSet } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, type FieldDescriptorProto } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import type { FieldElement, ExtensionElement } from '../elements.js';
import { fileFeatures, overlay, syntaxOf, type Features } from './features.js';
import type { ImageIndex } from './image-index.js';

// descriptor.proto FieldDescriptorProto.Type numbers -> protoreflect kind names.
export const KIND_NAMES: Readonly<Record<number, string>> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool', 9: 'string',
  10: 'group', 11: 'message', 12: 'bytes', 13: 'uint32', 14: 'enum', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};
export const TYPE_GROUP = 10;
export const TYPE_MESSAGE = 11;
export const TYPE_ENUM = 14;
export const TYPE_STRING = 9;
export const TYPE_BYTES = 12;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

/** Kinds that stay readable when swapped on the wire (int32/int64/uint32/uint64/bool share varints...). */
export const WIRE_GROUP: Readonly<Record<number, number>> = {
  5: 1, 3: 1, 13: 1, 4: 1, 8: 1, 17: 2, 18: 2, 9: 3, 12: 4, 7: 5, 15: 5, 6: 6, 16: 6, 1: 7, 2: 8, 10: 9, 11: 10, 14: 11,
};
/** Kinds that stay readable on the wire and in JSON (JSON writes 64-bit integers as strings). */
export const WIRE_JSON_GROUP: Readonly<Record<number, number>> = {
  5: 1, 13: 1, 3: 2, 4: 2, 7: 3, 15: 3, 6: 4, 16: 4, 8: 5, 17: 6, 18: 7, 9: 8, 12: 9, 1: 10, 2: 11, 10: 12, 11: 13, 14: 14,
};

export type Cardinality = 'optional with explicit presence' | 'optional with implicit presence' | 'required' | 'repeated' | 'map';
export const CARDINALITY_WIRE_GROUP: Readonly<Record<Cardinality, number>> = {
  'optional with explicit presence': 1, 'optional with implicit presence': 1, required: 2, repeated: 3, map: 3,
};
// Maps and repeated fields share a wire format but not a JSON one.
export const CARDINALITY_WIRE_JSON_GROUP: Readonly<Record<Cardinality, number>> = {
  'optional with explicit presence': 1, 'optional with implicit presence': 1, required: 2, repeated: 3, map: 4,
};

export function hasOneof(field: FieldDescriptorProto): boolean {
  return isFieldSet(field, FieldDescriptorProtoSchema.field.oneofIndex);
}

export function fieldFeatures(element: FieldElement | ExtensionElement, index: ImageIndex): Features {
  const chain = element.kind === 'field' ? index.messageChain(element.message) : [];
  return overlay(fileFeatures(element.file.proto), ...chain.map((m) => m.desc.options?.features), element.desc.options?.features);
}

export function cardinalityOf(element: FieldElement | ExtensionElement, index: ImageIndex): Cardinality {
  const f = element.desc;
  if (f.label === LABEL_REPEATED) return isMapField(f, index) ? 'map' : 'repeated';
  const features = fieldFeatures(element, index);
  if (f.label === LABEL_REQUIRED || (syntaxOf(element.file.proto) === 'editions' && features.fieldPresence === 3)) return 'required';
  const isExtension = element.kind === 'extension';
  const explicit =
    isExtension ||
    f.type === TYPE_MESSAGE ||
    f.type === TYPE_GROUP ||
    hasOneof(f) ||
    f.proto3Optional === true ||
    (syntaxOf(element.file.proto) !== 'proto3' && features.fieldPresence === 1);
  return explicit ? 'optional with explicit presence' : 'optional with implicit presence';
}

function isMapField(f: FieldDescriptorProto, index: ImageIndex): boolean {
  return f.type === TYPE_MESSAGE && index.message((f.typeName ?? '').replace(/^\./, ''))?.isMapEntry === true;
}

/** protoc's default JSON name: lowerCamelCase with underscores dropped. */
export function jsonNameOf(f: FieldDescriptorProto): string {
  if (isFieldSet(f, FieldDescriptorProtoSchema.field.jsonName)) return f.jsonName ?? '';
  let out = '';
  let upper = false;
  for (const c of f.name ?? '') {
    if (c === '_') upper = true;
    else {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return out;
}
