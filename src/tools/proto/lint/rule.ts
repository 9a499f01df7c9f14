/**
 * The contract every lint rule satisfies: an ID and categories as buf names them, and a check
 * over the target files that reports at descriptor paths (positions come from source info).
 */
import type { ProtoFile } from '../../../proto/proto-file.js';
import type { LintOptions } from '../config.js';

export interface LintRuleContext {
  readonly targets: readonly ProtoFile[];
  readonly options: LintOptions;
  /**
   * Reports a finding at `path` in `file`. `ignorePaths` are further elements whose leading
   * `// buf:lint:ignore RULE` comment silences it (buf checks the element as well as the name).
   */
  report(file: ProtoFile, path: readonly number[], message: string, ignorePaths?: readonly (readonly number[])[]): void;
}

export interface LintRule {
  readonly id: string;
  readonly categories: readonly string[];
  /** The categories under a v1 buf configuration, where they differ from v2's (buf moved a few rules). */
  readonly v1Categories?: readonly string[];
  readonly purpose: string;
  check(ctx: LintRuleContext): void;
}

export const MINIMAL = ['MINIMAL', 'BASIC', 'STANDARD'] as const;
export const BASIC = ['BASIC', 'STANDARD'] as const;
export const STANDARD = ['STANDARD'] as const;
