/**
 * How a proto command ends, shared by lint and breaking: findings go to stdout in the chosen
 * format and exit 100 (buf's code for "findings exist"); compile errors go to stderr, one
 * `file:line:col: message` line each (or the chosen format), and exit 1.
 */
import type { CommandContext } from '../../cli/io.js';
import { formatDiagnostic, isProtoCompileError } from '../../proto/compile-error.js';
import { SwitchyardError } from '../../errors.js';
import type { Finding } from './finding.js';
import { ERROR_FORMATS, formatFindings, isErrorFormat, type ErrorFormat } from './output/error-format.js';

/** buf exits 100 when lint or breaking findings exist. */
export const EXIT_FINDINGS = 100;

export function parseErrorFormat(value: string): ErrorFormat {
  if (!isErrorFormat(value)) {
    throw new SwitchyardError('SY_ERR_CLI_USAGE', `--error-format must be one of ${ERROR_FORMATS.join(', ')}, not "${value}"`);
  }
  return value;
}

export function reportFindings(ctx: CommandContext, findings: readonly Finding[], format: ErrorFormat): void {
  ctx.io.stdout.write(formatFindings(findings, format));
  if (findings.length > 0) ctx.exit(EXIT_FINDINGS);
}

/** Prints a compile failure and sets exit 1; returns false for any other error (rethrown by the caller). */
export function reportCompileError(ctx: CommandContext, err: unknown, format: ErrorFormat): boolean {
  if (!isProtoCompileError(err)) return false;
  if (format === 'text') {
    for (const d of err.diagnostics) ctx.io.stderr.write(`${formatDiagnostic(d)}\n`);
  } else {
    const asFindings: Finding[] = err.diagnostics.map((d) => ({
      rule: 'COMPILE',
      path: d.path,
      startLine: d.line,
      startColumn: d.column,
      endLine: d.line,
      endColumn: d.column,
      message: d.message,
    }));
    ctx.io.stderr.write(formatFindings(asFindings, format));
  }
  ctx.exit(1);
  return true;
}
