/**
 * Where findings are silenced: config `ignore` / `ignore_only` paths (module-relative, a file or
 * a directory) and, for lint, `// buf:lint:ignore RULE` lines in an element's leading comments.
 */
import type { ProtoFile } from '../../proto/proto-file.js';
import { pathMatches, type RuleSelection } from './config.js';

const DIRECTIVE = 'buf:lint:ignore';

export function ignoredByConfig(selection: RuleSelection, rule: { id: string; categories: readonly string[] }, fileName: string): boolean {
  if (selection.ignore.some((p) => pathMatches(fileName, p))) return true;
  for (const key of [rule.id, ...rule.categories]) {
    if ((selection.ignoreOnly[key] ?? []).some((p) => pathMatches(fileName, p))) return true;
  }
  return false;
}

/** Checks the element and every element enclosing it: an ignore on a message covers its fields (as buf does). */
export function ignoredByComment(file: ProtoFile, ruleId: string, paths: readonly (readonly number[])[]): boolean {
  // Most files have no directive at all; then nothing needs looking up.
  const commented = file.source.leadingCommentsWith(DIRECTIVE);
  if (commented.size === 0) return false;
  for (const path of paths) {
    for (let n = path.length; n > 0; n--) {
      const comments = commented.get(path.slice(0, n).join('.'));
      if (comments === undefined) continue;
      for (const line of comments.split('\n')) {
        const words = line.trim().split(/\s+/);
        if (words[0] === DIRECTIVE && words[1] === ruleId) return true;
      }
    }
  }
  return false;
}
