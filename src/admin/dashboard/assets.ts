/**
 * The dashboard's files: the page, its script and style from `assets/` (tsc does not copy them),
 * and uPlot from the installed package — served by the gateway itself, no CDN; read through
 * src/runtime/resources.ts, which finds them in the package or in the single executable. Read
 * once, on the first request for each.
 */
import { readDependencyFile, readPackageFile } from '../../runtime/resources.js';

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const DIR = 'src/admin/dashboard/assets';

const SOURCES: Record<string, { type: string; read: () => Buffer }> = {
  'index.html': { type: 'text/html; charset=utf-8', read: () => readPackageFile(`${DIR}/index.html`) },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', read: () => readPackageFile(`${DIR}/dashboard.js`) },
  'dashboard.css': { type: 'text/css; charset=utf-8', read: () => readPackageFile(`${DIR}/dashboard.css`) },
  'uplot.js': { type: 'text/javascript; charset=utf-8', read: () => readDependencyFile('uplot/dist/uPlot.iife.min.js') },
  'uplot.css': { type: 'text/css; charset=utf-8', read: () => readDependencyFile('uplot/dist/uPlot.min.css') },
};

/** The asset names and the package files behind them, for the single executable's build. */
export const DASHBOARD_PACKAGE_FILES: readonly string[] = ['index.html', 'dashboard.js', 'dashboard.css'].map((name) => `${DIR}/${name}`);
export const DASHBOARD_DEPENDENCY_FILES: readonly string[] = ['uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css'];

const cache = new Map<string, Asset>();

export async function dashboardAsset(name: string): Promise<Asset> {
  let asset = cache.get(name);
  if (asset === undefined) {
    const source = SOURCES[name];
    if (source === undefined) throw new RangeError(`no dashboard asset ${name}`);
    asset = { type: source.type, body: source.read() };
    cache.set(name, asset);
  }
  return asset;
}

export const DASHBOARD_ASSETS: readonly string[] = Object.keys(SOURCES);
