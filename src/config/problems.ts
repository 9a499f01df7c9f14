/**
 * Configuration problems: each names its YAML path (`routes[2].to`) and, when the node can be
 * found in the file, its line and column. A ConfigError carries all of them, so that
 * `switchyard validate` lists every mistake at once instead of the first.
 */
import { SwitchyardError, type ErrorCode } from '../errors.js';

export interface ConfigProblem {
  readonly code: ErrorCode;
  /** Dotted YAML path, e.g. `upstreams.legacy.queue.timeout` or `routes[3].where.id`. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export class ConfigError extends SwitchyardError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const first = problems[0];
    super(first?.code ?? 'SY_ERR_CONFIG_INVALID', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}${first ? `, first: ${formatProblem(file, first)}` : ''}`);
    this.file = file;
    this.problems = problems;
  }
}

/** `file:line:col: path: message`, as compilers print positions. */
export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.line === undefined ? file : `${file}:${p.line}:${p.column ?? 1}`;
  return `${where}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}

/** Turns path segments into the dotted form users read in messages. */
export function pathToString(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}
