/**
 * How a proto command ends, shared by lint and breaking: findings go to stdout in the chosen
 * format and exit 100 (buf's code for "findings exist"); compile errors are findings too, of
 * type COMPILE, printed and exited the same way (as buf reports them).
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

/**
 * A compile failure, as buf reports it: each error with a position is a finding of type COMPILE
 * on stdout, in the chosen format, with exit 100. Failures without a position (the compiler
 * could not run, or did not say where) go to stderr, one line each, with exit 1. Returns false
 * for any other error (rethrown by the caller).
 */
export function reportCompileError(ctx: CommandContext, err: unknown, format: ErrorFormat): boolean {
  if (!isProtoCompileError(err)) return false;
  const placed = err.diagnostics.filter((d) => d.line > 0);
  if (placed.length === 0) {
    for (const d of err.diagnostics) ctx.io.stderr.write(`${formatDiagnostic(d)}\n`);
    ctx.exit(1);
    return true;
  }
  const asFindings: Finding[] = placed.map((d) => ({
    rule: 'COMPILE',
    path: d.path,
    startLine: d.line,
    startColumn: d.column,
    endLine: d.endLine ?? d.line,
    endColumn: d.endColumn ?? d.column,
    message: d.message,
  }));
  reportFindings(ctx, asFindings, format);
  return true;
}
