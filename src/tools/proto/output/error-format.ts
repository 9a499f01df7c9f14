/**
 * Prints findings in buf's `--error-format` shapes, so CI steps and editors that read buf's
 * output read Switchyard's unchanged: text (`file:line:col:message`), json (one object per
 * line), github-actions (workflow commands), junit (one suite per file), msvs (Visual Studio).
 */
import type { Finding } from '../finding.js';
import { groupBy } from '../../../group-by.js';

export const ERROR_FORMATS = ['text', 'json', 'github-actions', 'junit', 'msvs'] as const;
export type ErrorFormat = (typeof ERROR_FORMATS)[number];

export function isErrorFormat(value: string): value is ErrorFormat {
  return (ERROR_FORMATS as readonly string[]).includes(value);
}

// A finding about a file that no longer exists (e.g. FILE_NO_DELETE) has no path; buf names it so.
const NO_FILE = '<input>';
const pathOf = (f: Finding): string => (f.path === '' ? NO_FILE : f.path);

export function formatFindings(findings: readonly Finding[], format: ErrorFormat): string {
  switch (format) {
    case 'text':
      return lines(findings.map((f) => `${pathOf(f)}:${f.startLine}:${f.startColumn}:${f.message}`));
    case 'json':
      return lines(findings.map(toJson));
    case 'github-actions':
      // GitHub workflow commands: properties and message are escaped per the runner's rules.
      return lines(
        findings.map((f) =>
          f.path === ''
            ? `::error file=${NO_FILE}::${ghData(f.message)}`
            : `::error file=${ghProperty(f.path)},line=${f.startLine},col=${f.startColumn},endLine=${f.endLine},endColumn=${f.endColumn}::${ghData(f.message)}`,
        ),
      );
    case 'msvs':
      return lines(findings.map((f) => `${pathOf(f)}(${f.startLine},${f.startColumn}) : error ${f.rule} : ${f.message}`));
    case 'junit':
      return junit(findings);
  }
}

function toJson(f: Finding): string {
  return JSON.stringify({
    ...(f.path === '' ? {} : { path: f.path }),
    start_line: f.startLine,
    start_column: f.startColumn,
    end_line: f.endLine,
    end_column: f.endColumn,
    type: f.rule,
    message: f.message,
  });
}

function junit(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const byFile = groupBy(findings, pathOf);
  const out = ['<testsuites>'];
  for (const [path, list] of byFile) {
    out.push(`  <testsuite name="${xml(path.replace(/\.proto$/, ''))}" tests="${list.length}" failures="${list.length}" errors="0">`);
    for (const f of list) {
      out.push(`    <testcase name="${xml(f.path === '' ? f.rule : `${f.rule}_${f.startLine}_${f.startColumn}`)}">`);
      out.push(`      <failure message="${xml(`${path}:${f.startLine}:${f.startColumn}:${f.message}`)}" type="${xml(f.rule)}"></failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return lines(out);
}

/** XML escaping with numeric references for quotes, as Go's encoding/xml (and so buf) writes them. */
function xml(s: string): string {
  return s.replace(/[&<>"'\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '\t':
        return '&#x9;';
      case '\n':
        return '&#xA;';
      default:
        return '&#xD;';
    }
  });
}

function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function lines(items: readonly string[]): string {
  return items.length === 0 ? '' : `${items.join('\n')}\n`;
}
