/** Runs the selected lint rules over an image's target files and positions the findings. */
import type { ProtoImage } from '../../../proto/load.js';
import type { ProtoConfig } from '../config.js';
import { compareFindings, findingAt, type Finding } from '../finding.js';
import { ignoredByComment, ignoredByConfig } from '../ignores.js';
import { selectLintRules } from './registry.js';
import type { LintRuleContext } from './rule.js';

export interface LintProgress {
  (done: number, total: number): void;
}

export function lintImage(image: ProtoImage, config: ProtoConfig, onProgress?: LintProgress): Finding[] {
  const rules = selectLintRules(config.lint.use, config.lint.except, config.bufVersion);
  const findings: Finding[] = [];
  rules.forEach((rule, i) => {
    const ctx: LintRuleContext = {
      targets: image.targets,
      options: config.lint,
      report(file, path, message, ignorePaths = []) {
        if (ignoredByConfig(config.lint, rule, file.name)) return;
        if (!config.lint.disallowCommentIgnores && ignoredByComment(file, rule.id, [path, ...ignorePaths])) return;
        findings.push(findingAt(file, path, rule.id, message));
      },
    };
    rule.check(ctx);
    onProgress?.(i + 1, rules.length);
  });
  return findings.sort(compareFindings);
}
