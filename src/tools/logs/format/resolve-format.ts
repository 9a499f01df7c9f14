/**
 * From `--format` (or the file's first lines, for `auto`) to a format spec. A value with `$` is an
 * nginx `log_format` string, one with `%` an Apache `LogFormat` string, anything else a preset.
 */
import { SwitchyardError } from '../../../errors.js';
import { compileApacheFormat } from './apache-format.js';
import type { FormatSpec } from './layout.js';
import { layoutParser } from './layout-parser.js';
import { jsonParser } from './json-parser.js';
import { emptyRecord, type LineParser } from './log-record.js';
import { compileNginxFormat } from './nginx-format.js';
import { DETECTION_ORDER, PRESETS } from './presets.js';
import { w3cParser } from './w3c-parser.js';

/** Returns the spec for an explicit `--format`, or undefined for `auto`. */
export function resolveFormat(value: string): FormatSpec | undefined {
  if (value === 'auto') return undefined;
  if (value.includes('$')) return compileNginxFormat(value);
  if (value.includes('%')) return compileApacheFormat(value);
  const preset = PRESETS[value];
  if (preset === undefined) {
    throw new SwitchyardError(
      'SY_ERR_LOG_FORMAT',
      `unknown log format "${value}"; use auto, ${Object.keys(PRESETS).join(', ')}, an nginx log_format string or an Apache LogFormat string`,
    );
  }
  return preset();
}

export function parserFor(spec: FormatSpec): LineParser {
  if (spec.kind === 'json') return jsonParser;
  if (spec.kind === 'w3c') return w3cParser();
  return layoutParser(spec);
}

/**
 * Picks the format that reads most of the sample lines (ties go to the more specific one, tried
 * first). Undefined when none reads any: the input is not an access log we know.
 */
export function detectFormat(sample: readonly string[]): FormatSpec | undefined {
  const lines = sample.filter((l) => l.trim() !== '');
  if (lines.some((l) => l.startsWith('#Fields:'))) return { kind: 'w3c' };
  const candidates: FormatSpec[] = [{ kind: 'json' }, ...DETECTION_ORDER.map((name) => (PRESETS[name] as () => FormatSpec)())];
  let best: FormatSpec | undefined;
  let bestScore = 0;
  const rec = emptyRecord();
  for (const spec of candidates) {
    const parse = parserFor(spec);
    const score = lines.filter((l) => parse(l, rec) === true).length;
    if (score > bestScore) {
      best = spec;
      bestScore = score;
    }
  }
  return best;
}
