/** A lint or breaking-change finding, positioned like buf's (1-based line and column). */
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
