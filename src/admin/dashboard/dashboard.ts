/**
 * `/dashboard` on the admin listener: a page drawing the live latency heatmap (uPlot), request
 * and error rates by route, upstream pools, php-fpm state, the correlation report, rollouts
 * (steps, state, checks and decisions) and the shadow diff report, from the admin API. When `admin.token` is set the page itself needs it (as the Bearer header, or once
 * as `?token=` from a browser, which the page then keeps for its API calls); the script and
 * style files hold no data and are open.
 */
import type { Exchange } from '../../listener/exchange.js';
import { sendJson, type AdminEndpoint } from '../endpoint.js';
import { requireTelemetry } from '../metrics.js';
import { DASHBOARD_ASSETS, dashboardAsset } from './assets.js';
import { dashboardState } from './dashboard-state.js';

async function send(exchange: Exchange, name: string): Promise<void> {
  const asset = await dashboardAsset(name);
  exchange.res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).end(asset.body);
}

const page: AdminEndpoint = {
  method: 'GET',
  path: '/dashboard',
  tokenInQuery: true,
  async handle(exchange, context) {
    requireTelemetry(context);
    await send(exchange, 'index.html');
  },
};

const files: AdminEndpoint[] = DASHBOARD_ASSETS.filter((n) => n !== 'index.html').map((name) => ({
  method: 'GET',
  path: `/dashboard/${name}`,
  open: true,
  async handle(exchange) {
    await send(exchange, name);
  },
}));

const state: AdminEndpoint = {
  method: 'GET',
  path: '/dashboard/state',
  async handle(exchange, context) {
    sendJson(exchange.res, 200, await dashboardState(context.gateway, requireTelemetry(context)));
  },
};

export const dashboardEndpoints: readonly AdminEndpoint[] = [page, state, ...files];
