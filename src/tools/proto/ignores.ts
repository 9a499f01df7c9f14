/**
 * Where findings are silenced: config `ignore` / `ignore_only` paths (module-relative, a file or
 * a directory) and, for lint, `// buf:lint:ignore RULE` lines in an element's leading comments.
 */
import type { ProtoFile } from '../../proto/proto-file.js';
import { pathMatches, type RuleSelection } from './config.js';

export function ignoredByConfig(selection: RuleSelection, rule: { id: string; categories: readonly string[] }, fileName: string): boolean {
  if (selection.ignore.some((p) => pathMatches(fileName, p))) return true;
  for (const key of [rule.id, ...rule.categories]) {
    if ((selection.ignoreOnly[key] ?? []).some((p) => pathMatches(fileName, p))) return true;
  }
  return false;
}

/** Checks the element and every element enclosing it: an ignore on a message covers its fields (as buf does). */
export function ignoredByComment(file: ProtoFile, ruleId: string, paths: readonly (readonly number[])[]): boolean {
  // The same enclosing element is reached from several paths; each is read once.
  const candidates = new Map<string, readonly number[]>();
  for (const path of paths) {
    for (let n = path.length; n > 0; n--) {
      const element = path.slice(0, n);
      candidates.set(element.join('.'), element);
    }
  }
  for (const element of candidates.values()) {
    const comments = file.source.get(element)?.leadingComments ?? '';
    for (const line of comments.split('\n')) {
      const words = line.trim().split(/\s+/);
      if (words[0] === 'buf:lint:ignore' && words[1] === ruleId) return true;
    }
  }
  return false;
}
