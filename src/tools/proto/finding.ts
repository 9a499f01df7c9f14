/** A lint or breaking-change finding, positioned like buf's (1-based line and column). */
import type { ProtoFile } from '../../proto/proto-file.js';

export interface Finding {
  /** The rule ID, e.g. `FIELD_LOWER_SNAKE_CASE` (buf's `type`). */
  readonly rule: string;
  /** The file as the user names it; empty when the file no longer exists (buf prints `<input>`). */
  readonly path: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
}

/** buf orders findings by file, then position, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.path, b.path) ||
    a.startLine - b.startLine ||
    a.startColumn - b.startColumn ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A finding at an element's source span; whole-file findings (and images without source info) sit at 1:1. */
export function findingAt(file: ProtoFile, path: readonly number[], rule: string, message: string): Finding {
  const loc = path.length === 0 ? undefined : file.source.get(path);
  return {
    rule,
    path: file.displayPath,
    startLine: loc?.startLine ?? 1,
    startColumn: loc?.startColumn ?? 1,
    endLine: loc?.endLine ?? 1,
    endColumn: loc?.endColumn ?? 1,
    message,
  };
}
