/** Picks the renderer for `--output`. */
import type { OutputKind } from '../options.js';
import type { Report } from './report.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderTable } from './render-table.js';

export function render(report: Report, output: OutputKind): string {
  switch (output) {
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    case 'table':
      return renderTable(report);
  }
}
