/** Breaking rules about a message's contents: fields, oneofs, reserved and extension ranges, options. */
import { MessageOptionsSchema } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { MESSAGE } from '../descriptor-paths.js';
import type { MessageElement } from '../elements.js';
import { FEATURE, FEATURES_IN, featurePath, fileFeatures, JSON_FORMAT_NAMES, overlay } from './features.js';
import { hasOneof } from './field-semantics.js';
import { collapse, missing, rangeText, type Range } from './tag-ranges.js';
import { WIRE_AND_UP, WIRE_JSON_AND_UP, CSR_FILE_PACKAGE, forPairs, type BreakingRule, type BreakingRuleContext } from './rule.js';

const LABEL_REQUIRED = 2;
// Field numbers end at 2^29-1; message-set wire format allows up to 2^31-2 (descriptor.proto).
const MAX_FIELD = 536870911;
const MAX_MESSAGE_SET = 2147483646;

/** Pairs messages by fully-qualified name across the whole image (buf's message pairs). */
export function forMessagePairs(ctx: BreakingRuleContext, fn: (message: MessageElement, previous: MessageElement) => void): void {
  forPairs(ctx.previous.messages, ctx.current.messages, fn);
}

function fieldNoDelete(id: string, categories: readonly string[], unless: 'number' | 'name' | undefined): BreakingRule {
  return {
    id,
    categories,
    check(ctx) {
      forMessagePairs(ctx, (message, previous) => {
        const numbers = new Set(message.desc.field.map((f) => f.number));
        const reserved = message.desc.reservedRange.map((r) => [r.start ?? 0, (r.end ?? 0) - 1] as const);
        for (const f of previous.desc.field) {
          if (numbers.has(f.number)) continue;
          const n = f.number ?? 0;
          if (unless === 'number' && reserved.some(([lo, hi]) => n >= lo && n <= hi)) continue;
          if (unless === 'name' && message.desc.reservedName.includes(f.name ?? '')) continue;
          const suffix = unless === 'number' ? ` without reserving the number "${n}"` : unless === 'name' ? ` without reserving the name "${f.name}"` : '';
          ctx.report(message.file, message.path, `Previously present field "${n}" with name "${f.name}" on message "${message.desc.name}" was deleted${suffix}.`, previous.file);
        }
      });
    },
  };
}

function rangesNoDelete(id: string, kind: 'reserved' | 'extension', read: (m: MessageElement) => Range[]): BreakingRule {
  return {
    id,
    categories: kind === 'reserved' ? WIRE_AND_UP : CSR_FILE_PACKAGE,
    check(ctx) {
      forMessagePairs(ctx, (message, previous) => {
        const covered = collapse(read(message));
        const max = message.desc.options?.messageSetWireFormat === true ? MAX_MESSAGE_SET : MAX_FIELD;
        for (const range of read(previous)) {
          const gone = missing(range, covered);
          if (gone.length === 0) continue;
          ctx.report(
            message.file,
            message.path,
            `Previously present ${kind} range "${rangeText(range, max)}" on message "${message.desc.name}" is missing values: ${gone.map((r) => rangeText(r, max)).join(', ')} were removed.`,
            previous.file,
          );
        }
        if (kind !== 'reserved') return;
        for (const name of previous.desc.reservedName) {
          if (message.desc.reservedName.includes(name)) continue;
          ctx.report(message.file, message.path, `Previously present reserved name "${name}" on message "${message.desc.name}" was deleted.`, previous.file);
        }
      });
    },
  };
}

const reservedRanges = (m: MessageElement): Range[] => m.desc.reservedRange.map((r) => [r.start ?? 0, (r.end ?? 0) - 1]);
const extensionRanges = (m: MessageElement): Range[] => m.desc.extensionRange.map((r) => [r.start ?? 0, (r.end ?? 0) - 1]);

function isSyntheticOneof(message: MessageElement, index: number): boolean {
  const members = message.desc.field.filter((f) => hasOneof(f) && f.oneofIndex === index);
  return members.length > 0 && members.every((f) => f.proto3Optional === true);
}

export const messageRules: readonly BreakingRule[] = [
  fieldNoDelete('FIELD_NO_DELETE', CSR_FILE_PACKAGE, undefined),
  fieldNoDelete('FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', ['CSR', 'WIRE_JSON', 'WIRE'], 'number'),
  fieldNoDelete('FIELD_NO_DELETE_UNLESS_NAME_RESERVED', ['CSR', 'WIRE_JSON'], 'name'),
  rangesNoDelete('RESERVED_MESSAGE_NO_DELETE', 'reserved', reservedRanges),
  rangesNoDelete('EXTENSION_MESSAGE_NO_DELETE', 'extension', extensionRanges),
  {
    id: 'ONEOF_NO_DELETE',
    categories: CSR_FILE_PACKAGE,
    check(ctx) {
      forMessagePairs(ctx, (message, previous) => {
        const names = new Set(message.desc.oneofDecl.map((o) => o.name));
        previous.desc.oneofDecl.forEach((o, i) => {
          // A proto3 `optional` field's oneof is synthetic; its removal shows up as a presence change.
          if (names.has(o.name) || isSyntheticOneof(previous, i)) return;
          ctx.report(message.file, message.path, `Previously present oneof "${o.name}" on message "${message.desc.name}" was deleted.`, previous.file);
        });
      });
    },
  },
  {
    id: 'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR',
    categories: CSR_FILE_PACKAGE,
    check(ctx) {
      forMessagePairs(ctx, (message, previous) => {
        if (previous.desc.options?.noStandardDescriptorAccessor === true || message.desc.options?.noStandardDescriptorAccessor !== true) return;
        const path = [...message.path, MESSAGE.options, MessageOptionsSchema.field.noStandardDescriptorAccessor.number];
        ctx.report(message.file, path, `Message option "no_standard_descriptor_accessor" changed from "false" to "true".`, previous.file);
      });
    },
  },
  {
    id: 'MESSAGE_SAME_REQUIRED_FIELDS',
    categories: WIRE_AND_UP,
    check(ctx) {
      forMessagePairs(ctx, (message, previous) => {
        const required = (m: MessageElement): Map<number, number> =>
          new Map(m.desc.field.flatMap((f, i) => (f.label === LABEL_REQUIRED ? [[f.number ?? 0, i] as const] : [])));
        const before = required(previous);
        const after = required(message);
        const note = 'required fields must always be sent, so a side that does not know the field breaks';
        for (const n of before.keys()) {
          if (!after.has(n)) ctx.report(message.file, message.path, `Message "${previous.desc.name}" had required field "${n}" deleted; ${note}.`, previous.file);
        }
        for (const [n, i] of after) {
          if (!before.has(n)) ctx.report(message.file, [...message.path, MESSAGE.field, i], `Message "${message.desc.name}" had required field "${n}" added; ${note}.`, previous.file);
        }
      });
    },
  },
  {
    id: 'MESSAGE_SAME_JSON_FORMAT',
    categories: WIRE_JSON_AND_UP,
    check(ctx) {
      forMessagePairs(ctx, (message, previous) => {
        const format = (m: MessageElement, index: typeof ctx.current): number =>
          overlay(fileFeatures(m.file.proto), ...index.messageChain(m).map((x) => x.desc.options?.features)).jsonFormat;
        const before = format(previous, ctx.previous);
        const after = format(message, ctx.current);
        if (before !== 1 || after === 1) return;
        const at = featurePath(message.file, message.path, MESSAGE.options, FEATURES_IN.messageOptions, FEATURE.jsonFormat);
        ctx.report(message.file, at, `Message "${message.desc.name}" JSON format support changed from ${JSON_FORMAT_NAMES[before]} to ${JSON_FORMAT_NAMES[after]}.`, previous.file);
      });
    },
  },
];
