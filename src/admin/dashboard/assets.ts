/**
 * The dashboard's files: the page, its script and style from `assets/` (read from the source
 * tree beside the compiled output, as tsc does not copy them), and uPlot from the installed
 * package — served by the gateway itself, no CDN. Read once, on first request, asynchronously so
 * the read never blocks the event loop.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** Looked up once, when the module loads, rather than with a sync stat on each first request. */
const ASSETS_DIR = (() => {
  const fromDist = fileURLToPath(new URL('../../../../src/admin/dashboard/assets', import.meta.url));
  if (existsSync(fromDist)) return fromDist;
  return fileURLToPath(new URL('./assets', import.meta.url));
})();

const require = createRequire(import.meta.url);

const SOURCES: Record<string, { type: string; path: () => string }> = {
  'index.html': { type: 'text/html; charset=utf-8', path: () => `${ASSETS_DIR}/index.html` },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', path: () => `${ASSETS_DIR}/dashboard.js` },
  'dashboard.css': { type: 'text/css; charset=utf-8', path: () => `${ASSETS_DIR}/dashboard.css` },
  'uplot.js': { type: 'text/javascript; charset=utf-8', path: () => require.resolve('uplot/dist/uPlot.iife.min.js') },
  'uplot.css': { type: 'text/css; charset=utf-8', path: () => require.resolve('uplot/dist/uPlot.min.css') },
};

const cache = new Map<string, Asset>();

export async function dashboardAsset(name: string): Promise<Asset> {
  let asset = cache.get(name);
  if (asset === undefined) {
    const source = SOURCES[name];
    if (source === undefined) throw new RangeError(`no dashboard asset ${name}`);
    asset = { type: source.type, body: await readFile(source.path()) };
    cache.set(name, asset);
  }
  return asset;
}

export const DASHBOARD_ASSETS: readonly string[] = Object.keys(SOURCES);
