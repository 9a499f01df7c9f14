/** Breaking rules about whole files: deletion, package, syntax, file options, and top-level elements per file. */
import { create } from '@bufbuild/protobuf';
import { FileOptionsSchema, type FileOptions } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import type { ProtoFile } from '../../../proto/proto-file.js';
import { FILE } from '../descriptor-paths.js';
import { elementsOf, type Element } from '../elements.js';
import { syntaxOf } from './features.js';
import { nestedName, type ImageIndex } from './image-index.js';
import { FILE_CSR, FILE_ONLY, FILE_PACKAGE, WIRE_AND_UP, CSR_FILE_PACKAGE, type BreakingRule, type BreakingRuleContext } from './rule.js';

const DEFAULT_OPTIONS = create(FileOptionsSchema);
const OPTIMIZE_MODES: Readonly<Record<number, string>> = { 1: 'SPEED', 2: 'CODE_SIZE', 3: 'LITE_RUNTIME' };

/** Pairs every previous file with the current file of the same name. */
export function forFilePairs(ctx: BreakingRuleContext, fn: (file: ProtoFile, previous: ProtoFile) => void): void {
  for (const previous of ctx.previous.files) {
    const file = ctx.current.fileByName.get(previous.name);
    if (file !== undefined) fn(file, previous);
  }
}

function sameFileValue(id: string, categories: readonly string[], what: string, read: (f: ProtoFile) => string, path: readonly number[]): BreakingRule {
  return {
    id,
    categories,
    check(ctx) {
      forFilePairs(ctx, (file, previous) => {
        const before = read(previous);
        const after = read(file);
        if (before === after) return;
        // Where the statement was removed there is no position left: buf points at the file.
        ctx.report(file, file.source.get(path) === undefined ? undefined : path, `File ${what} changed from "${before}" to "${after}".`, previous);
      });
    },
  };
}

function fileOption(id: string, option: keyof typeof FileOptionsSchema.field, format: (v: unknown) => string = String): BreakingRule {
  const field = FileOptionsSchema.field[option];
  const read = (f: ProtoFile): string => format((f.proto.options ?? DEFAULT_OPTIONS)[field.localName as keyof FileOptions]);
  return sameFileValue(id, FILE_PACKAGE, `option "${field.name}"`, read, [FILE.options, field.number]);
}

/**
 * X_NO_DELETE within a file: an element gone from the file it was in. The finding sits on the
 * closest enclosing message still present, else at the file's start (buf does the same).
 */
function noDeleteInFile(id: string, categories: readonly string[], what: string, pick: (f: ProtoFile) => readonly Element<unknown>[]): BreakingRule {
  return {
    id,
    categories,
    check(ctx) {
      forFilePairs(ctx, (file, previous) => {
        const present = new Set(pick(file).map((e) => nestedName(e.fullName, file)));
        for (const e of pick(previous)) {
          const name = nestedName(e.fullName, previous);
          if (present.has(name)) continue;
          ctx.report(file, enclosingMessagePath(ctx.current, file, name), `Previously present ${what} "${name}" was deleted from file.`, previous);
        }
      });
    },
  };
}

export function enclosingMessagePath(index: ImageIndex, file: ProtoFile, nested: string): readonly number[] | undefined {
  const parts = nested.split('.');
  const pkg = file.proto.package ?? '';
  for (let i = parts.length - 1; i > 0; i--) {
    const name = [pkg, ...parts.slice(0, i)].filter((s) => s !== '').join('.');
    const m = index.message(name);
    if (m !== undefined && m.file === file) return m.path;
  }
  return undefined;
}

export const fileRules: readonly BreakingRule[] = [
  {
    id: 'FILE_NO_DELETE',
    categories: FILE_CSR,
    check(ctx) {
      for (const previous of ctx.previous.files) {
        if (!ctx.current.fileByName.has(previous.name)) ctx.report(undefined, undefined, `Previously present file "${previous.name}" was deleted.`, previous);
      }
    },
  },
  sameFileValue('FILE_SAME_PACKAGE', WIRE_AND_UP, 'package', (f) => f.proto.package ?? '', [FILE.package]),
  sameFileValue('FILE_SAME_SYNTAX', CSR_FILE_PACKAGE, 'syntax', (f) => syntaxOf(f.proto), [FILE.syntax]),
  fileOption('FILE_SAME_CC_ENABLE_ARENAS', 'ccEnableArenas'),
  fileOption('FILE_SAME_CC_GENERIC_SERVICES', 'ccGenericServices'),
  fileOption('FILE_SAME_CSHARP_NAMESPACE', 'csharpNamespace'),
  fileOption('FILE_SAME_GO_PACKAGE', 'goPackage'),
  fileOption('FILE_SAME_JAVA_GENERIC_SERVICES', 'javaGenericServices'),
  fileOption('FILE_SAME_JAVA_MULTIPLE_FILES', 'javaMultipleFiles'),
  fileOption('FILE_SAME_JAVA_OUTER_CLASSNAME', 'javaOuterClassname'),
  fileOption('FILE_SAME_JAVA_PACKAGE', 'javaPackage'),
  fileOption('FILE_SAME_OBJC_CLASS_PREFIX', 'objcClassPrefix'),
  fileOption('FILE_SAME_OPTIMIZE_FOR', 'optimizeFor', (v) => OPTIMIZE_MODES[v as number] ?? String(v)),
  fileOption('FILE_SAME_PHP_CLASS_PREFIX', 'phpClassPrefix'),
  fileOption('FILE_SAME_PHP_METADATA_NAMESPACE', 'phpMetadataNamespace'),
  fileOption('FILE_SAME_PHP_NAMESPACE', 'phpNamespace'),
  fileOption('FILE_SAME_PY_GENERIC_SERVICES', 'pyGenericServices'),
  fileOption('FILE_SAME_RUBY_PACKAGE', 'rubyPackage'),
  fileOption('FILE_SAME_SWIFT_PREFIX', 'swiftPrefix'),
  noDeleteInFile('MESSAGE_NO_DELETE', FILE_CSR, 'message', (f) => elementsOf(f).messages),
  noDeleteInFile('ENUM_NO_DELETE', FILE_CSR, 'enum', (f) => elementsOf(f).enums),
  noDeleteInFile('EXTENSION_NO_DELETE', FILE_ONLY, 'extension', (f) => elementsOf(f).extensions),
  {
    id: 'SERVICE_NO_DELETE',
    categories: FILE_ONLY,
    check(ctx) {
      forFilePairs(ctx, (file, previous) => {
        const present = new Set(file.proto.service.map((s) => s.name));
        for (const s of previous.proto.service) {
          if (!present.has(s.name)) ctx.report(file, undefined, `Previously present service "${s.name}" was deleted from file.`, previous);
        }
      });
    },
  },
];
