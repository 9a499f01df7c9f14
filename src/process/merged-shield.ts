/**
 * `GET /admin/shield` on the primary of `serve --workers N`: every worker is asked (they run the
 * same config, so the rules are the first answer's) and their blocks merged, the newest
 * KEEP across workers, oldest first.
 */
import type { AdminEndpoint } from '../admin/endpoint.js';
import type { ShieldView } from '../admin/shield.js';
import { newestBlocks } from '../shield/shield-blocks.js';
import { fanOutEndpoint } from './fan-out.js';

export function mergedShieldEndpoint(workerAdmins: () => readonly string[]): AdminEndpoint {
  return fanOutEndpoint<ShieldView>('/admin/shield', workerAdmins, mergeShieldViews);
}

export function mergeShieldViews(views: readonly ShieldView[]): ShieldView {
  return { rules: views[0]?.rules ?? [], blocks: newestBlocks(views.map((v) => v.blocks)) };
}
