/**
 * Source positions of descriptor elements, from `SourceCodeInfo` (descriptor.proto): every
 * element is addressed by its path of field numbers and indexes, and its span is 0-based.
 * Positions here are 1-based lines and columns, the way compilers and buf print them.
 *
 * The index is built on first use: a big tree has millions of locations, most of them in files
 * no finding is reported for (imports, clean files), and building them all up front was a large
 * share of lint's time and garbage.
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

type Location = NonNullable<FileDescriptorProto['sourceCodeInfo']>['location'][number];

export class SourceIndex {
  readonly #file: FileDescriptorProto;
  #byPath: Map<string, Location> | undefined;
  #commented: Map<string, string> | undefined;

  constructor(file: FileDescriptorProto) {
    this.#file = file;
  }

  get(path: readonly number[]): SourceLocation | undefined {
    const loc = this.#index().get(path.join('.'));
    return loc === undefined ? undefined : toSourceLocation(loc);
  }

  /**
   * Leading comments that contain `text`, by element path (`4.0.2.1`): a file with no such
   * comment answers from an empty map, so checking a finding for an ignore directive is cheap.
   */
  leadingCommentsWith(text: string): ReadonlyMap<string, string> {
    if (this.#commented === undefined) {
      this.#commented = new Map();
      for (const [key, loc] of this.#index()) {
        if (loc.leadingComments?.includes(text) === true) this.#commented.set(key, loc.leadingComments);
      }
    }
    return this.#commented;
  }

  #index(): Map<string, Location> {
    if (this.#byPath !== undefined) return this.#byPath;
    const byPath = new Map<string, Location>();
    for (const loc of this.#file.sourceCodeInfo?.location ?? []) {
      const key = loc.path.join('.');
      // A path can occur more than once (e.g. repeated option statements); the first is the declaration.
      if (!byPath.has(key)) byPath.set(key, loc);
    }
    return (this.#byPath = byPath);
  }
}

function toSourceLocation(loc: Location): SourceLocation {
  const [startLine = 0, startColumn = 0, a = 0, b] = loc.span;
  // span is [startLine, startCol, endLine, endCol], or [startLine, startCol, endCol] on one line.
  const [endLine, endColumn] = b === undefined ? [startLine, a] : [a, b];
  return {
    startLine: startLine + 1,
    startColumn: startColumn + 1,
    endLine: endLine + 1,
    endColumn: endColumn + 1,
    leadingComments: loc.leadingComments ?? '',
    trailingComments: loc.trailingComments ?? '',
  };
}
