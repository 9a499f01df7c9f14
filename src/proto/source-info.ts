/**
 * Source positions of descriptor elements, from `SourceCodeInfo` (descriptor.proto): every
 * element is addressed by its path of field numbers and indexes, and its span is 0-based.
 * Positions here are 1-based lines and columns, the way compilers and buf print them.
 */
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';

export interface SourceSpan {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface SourceLocation extends SourceSpan {
  readonly leadingComments: string;
  readonly trailingComments: string;
}

export class SourceIndex {
  readonly #byPath = new Map<string, SourceLocation>();

  constructor(file: FileDescriptorProto) {
    for (const loc of file.sourceCodeInfo?.location ?? []) {
      const key = loc.path.join('.');
      // A path can occur more than once (e.g. repeated option statements); the first is the declaration.
      if (this.#byPath.has(key)) continue;
      const [startLine = 0, startColumn = 0, a = 0, b] = loc.span;
      // span is [startLine, startCol, endLine, endCol], or [startLine, startCol, endCol] on one line.
      const span = b === undefined ? { endLine: startLine, endColumn: a } : { endLine: a, endColumn: b };
      this.#byPath.set(key, {
        startLine: startLine + 1,
        startColumn: startColumn + 1,
        endLine: span.endLine + 1,
        endColumn: span.endColumn + 1,
        leadingComments: loc.leadingComments ?? '',
        trailingComments: loc.trailingComments ?? '',
      });
    }
  }

  get(path: readonly number[]): SourceLocation | undefined {
    return this.#byPath.get(path.join('.'));
  }
}
