/**
 * Picks the renderer for `--output` and loads only its module: a run prints one kind of report,
 * and every module loaded before the first byte is read is start-up time the user waits for.
 */
import type { OutputKind } from '../options.js';
import type { Report } from './report.js';

export type Renderer = (report: Report) => string;

export async function loadRenderer(output: OutputKind): Promise<Renderer> {
  switch (output) {
    case 'json': {
      const { renderJson } = await import('./render-json.js');
      return (report) => renderJson(report);
    }
    case 'csv':
      return (await import('./render-csv.js')).renderCsv;
    case 'html':
      return (await import('./render-html.js')).renderHtml;
    case 'table':
      return (await import('./render-table.js')).renderTable;
  }
}
