/** Every lint rule, and how `use`/`except` (rule IDs or categories) select among them. */
import { SwitchyardError } from '../../../errors.js';
import { articleRules } from './rules/article.js';
import { commentRules, unaryRules } from './rules/comments.js';
import { enumRules } from './rules/enums.js';
import { fileRules } from './rules/files.js';
import { namingRules } from './rules/naming.js';
import { packageRules } from './rules/packages.js';
import { rpcRules } from './rules/rpcs.js';
import type { LintRule } from './rule.js';
import type { BufConfigVersion } from '../config.js';

export const LINT_RULES: readonly LintRule[] = [
  ...packageRules,
  ...fileRules,
  ...namingRules,
  ...enumRules,
  ...rpcRules,
  ...commentRules,
  ...unaryRules,
  ...articleRules,
];

/**
 * buf rule IDs accepted in configuration but not checked: PROTOVALIDATE needs a CEL compiler and
 * only applies to files importing buf/validate; STABLE_PACKAGE_NO_IMPORT_UNSTABLE is in no category.
 */
export const UNCHECKED_BUF_RULES: readonly string[] = ['PROTOVALIDATE', 'STABLE_PACKAGE_NO_IMPORT_UNSTABLE'];

export function selectLintRules(use: readonly string[], except: readonly string[], version: BufConfigVersion = 'v2'): LintRule[] {
  const known = new Set([...LINT_RULES.flatMap((r) => [r.id, ...r.categories]), ...UNCHECKED_BUF_RULES]);
  const categoriesOf = (rule: LintRule): readonly string[] => (version === 'v1' ? (rule.v1Categories ?? rule.categories) : rule.categories);
  for (const name of [...use, ...except]) {
    if (!known.has(name)) throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `unknown lint rule or category "${name}"`);
  }
  const matches = (rule: LintRule, names: readonly string[]): boolean => names.includes(rule.id) || categoriesOf(rule).some((c) => names.includes(c));
  return LINT_RULES.filter((rule) => matches(rule, use) && !matches(rule, except));
}
