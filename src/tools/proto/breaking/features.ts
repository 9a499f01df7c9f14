/**
 * Resolved protobuf "features" (editions, descriptor.proto FeatureSet) for proto2, proto3 and
 * edition files: proto2 and proto3 behave as fixed feature sets, editions start from the
 * edition's defaults and are overridden by `features` options on the file, then the enclosing
 * messages, then the element. Breaking rules compare these instead of syntax strings, as
 * protoreflect does for buf.
 */
import type { FeatureSet, FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { ProtoFile } from '../../../proto/proto-file.js';

export interface Features {
  /** 1 EXPLICIT, 2 IMPLICIT, 3 LEGACY_REQUIRED. */
  readonly fieldPresence: number;
  /** 1 OPEN, 2 CLOSED. */
  readonly enumType: number;
  /** 2 VERIFY, 3 NONE. */
  readonly utf8Validation: number;
  /** 1 ALLOW, 2 LEGACY_BEST_EFFORT. */
  readonly jsonFormat: number;
}

const PROTO2: Features = { fieldPresence: 1, enumType: 2, utf8Validation: 3, jsonFormat: 2 };
const PROTO3: Features = { fieldPresence: 2, enumType: 1, utf8Validation: 2, jsonFormat: 1 };
// Edition 2023 defaults (descriptor.proto feature defaults).
const EDITION_2023: Features = { fieldPresence: 1, enumType: 1, utf8Validation: 2, jsonFormat: 1 };

export type Syntax = 'proto2' | 'proto3' | 'editions';

export function syntaxOf(file: FileDescriptorProto): Syntax {
  if (file.syntax === 'proto3') return 'proto3';
  if (file.syntax === 'editions') return 'editions';
  return 'proto2';
}

export function fileFeatures(file: FileDescriptorProto): Features {
  const syntax = syntaxOf(file);
  if (syntax === 'proto2') return PROTO2;
  if (syntax === 'proto3') return PROTO3;
  return overlay(EDITION_2023, file.options?.features);
}

/** Applies the `features` options set along a chain of elements (outermost first). */
export function overlay(base: Features, ...sets: (FeatureSet | undefined)[]): Features {
  let out = base;
  for (const set of sets) {
    if (set === undefined) continue;
    out = {
      fieldPresence: set.fieldPresence || out.fieldPresence,
      enumType: set.enumType || out.enumType,
      utf8Validation: set.utf8Validation || out.utf8Validation,
      jsonFormat: set.jsonFormat || out.jsonFormat,
    };
  }
  return out;
}

export const JSON_FORMAT_NAMES: Readonly<Record<number, string>> = { 1: 'ALLOW', 2: 'LEGACY_BEST_EFFORT' };
export const UTF8_NAMES: Readonly<Record<number, string>> = { 2: 'VERIFY', 3: 'NONE' };

// Where `features` sit in each options message, and each feature's field number (descriptor.proto).
export const FEATURES_IN = { fieldOptions: 21, enumOptions: 7, messageOptions: 12 } as const;
export const FEATURE = { fieldPresence: 1, enumType: 2, utf8Validation: 4, jsonFormat: 6 } as const;

/** The position of a feature set on an element, when the source sets it there; else the element. */
export function featurePath(file: ProtoFile, element: readonly number[], optionsField: number, featuresField: number, feature: number): readonly number[] {
  const path = [...element, optionsField, featuresField, feature];
  return file.source.get(path) === undefined ? element : path;
}
