/** Every breaking rule, and how `use`/`except` (rule IDs or categories) select among them. */
import { SwitchyardError } from '../../../errors.js';
import type { BreakingRule } from './rule.js';
import { enumRules } from './rules-enums.js';
import { fieldRules } from './rules-fields.js';
import { fileRules } from './rules-files.js';
import { messageRules } from './rules-messages.js';
import { packageRules } from './rules-packages.js';
import { serviceRules } from './rules-services.js';

export const BREAKING_RULES: readonly BreakingRule[] = [...fileRules, ...packageRules, ...messageRules, ...fieldRules, ...enumRules, ...serviceRules];

export function selectBreakingRules(use: readonly string[], except: readonly string[]): BreakingRule[] {
  const known = new Set(BREAKING_RULES.flatMap((r) => [r.id, ...r.categories]));
  for (const name of [...use, ...except]) {
    if (!known.has(name)) throw new SwitchyardError('SY_ERR_PROTO_LINT_CONFIG', `unknown breaking rule or category "${name}"`);
  }
  const matches = (rule: BreakingRule, names: readonly string[]): boolean => names.includes(rule.id) || rule.categories.some((c) => names.includes(c));
  return BREAKING_RULES.filter((rule) => matches(rule, use) && !matches(rule, except));
}
