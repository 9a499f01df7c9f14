/** The error a compile failure becomes: one diagnostic per problem, each with its position. */
import { SwitchyardError } from '../errors.js';
import type { CompileDiagnostic } from './proto-file.js';

export class ProtoCompileError extends SwitchyardError {
  readonly diagnostics: readonly CompileDiagnostic[];

  constructor(diagnostics: readonly CompileDiagnostic[]) {
    const first = diagnostics[0];
    const summary = first === undefined ? 'proto files do not compile' : formatDiagnostic(first);
    super('SY_ERR_PROTO_COMPILE', summary);
    this.diagnostics = diagnostics;
  }
}

export function formatDiagnostic(d: CompileDiagnostic): string {
  return d.line > 0 ? `${d.path}:${d.line}:${d.column}: ${d.message}` : `${d.path}: ${d.message}`;
}

export function isProtoCompileError(err: unknown): err is ProtoCompileError {
  return err instanceof ProtoCompileError;
}
