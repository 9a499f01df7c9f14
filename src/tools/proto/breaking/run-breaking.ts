/** Compares a current image with a previous one under the selected breaking rules. */
import type { ProtoImage } from '../../../proto/load.js';
import type { ProtoConfig } from '../config.js';
import { compareFindings, findingAt, type Finding } from '../finding.js';
import { ignoredByConfig } from '../ignores.js';
import { ImageIndex } from './image-index.js';
import { selectBreakingRules } from './registry.js';

export interface BreakingOptions {
  /** Compare only the inputs' own files, not what they import (buf's --exclude-imports). */
  readonly excludeImports: boolean;
}

// buf's unstable package versions: v1alpha1, v1beta1, v1test... (ignore_unstable_packages).
const UNSTABLE = /\.v[1-9][0-9]*(alpha|beta|test|p[1-9][0-9]*(alpha|beta))[0-9a-z_]*$/;

export function breakingFindings(current: ProtoImage, previous: ProtoImage, config: ProtoConfig, options: BreakingOptions): Finding[] {
  const pick = (image: ProtoImage) => (options.excludeImports ? image.files.filter((f) => !f.info.isImport) : image.files);
  const ctx = { current: new ImageIndex(pick(current)), previous: new ImageIndex(pick(previous)) };
  const findings: Finding[] = [];
  for (const rule of selectBreakingRules(config.breaking.use, config.breaking.except)) {
    rule.check({
      ...ctx,
      report(file, path, message, previousFile) {
        const name = file?.name ?? previousFile?.name ?? '';
        if (ignoredByConfig(config.breaking, rule, name)) return;
        const pkg = (file ?? previousFile)?.proto.package ?? '';
        if (config.breaking.ignoreUnstablePackages && UNSTABLE.test(pkg)) return;
        if (file === undefined) findings.push({ rule: rule.id, path: '', startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, message });
        else findings.push(findingAt(file, path ?? [], rule.id, message));
      },
    });
  }
  return findings.sort(compareFindings);
}
