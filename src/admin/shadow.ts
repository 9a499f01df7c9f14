/**
 * `GET /admin/shadow` (SPEC section 6): per shadowed route, what its copies found — comparisons,
 * mismatches and their rate, the copies that gave no data, per-field mismatch and noise counts,
 * and the newest mismatch samples with `compare.mask` fields shown as ***. Needs the admin token
 * when one is set: samples name requests.
 */
import type { ShadowView } from '../delivery/shadow/shadow-view.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';

export const shadowEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/shadow',
  async handle(exchange, context) {
    sendJson(exchange.res, 200, { routes: [...context.gateway.runtime.shadows.values()].map((s) => s.view()) } satisfies ShadowView);
  },
};
