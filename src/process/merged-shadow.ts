/**
 * `GET /admin/shadow` on the primary of `serve --workers N`: each worker copies and compares the
 * requests it served, so every worker is asked and their counts, fields and samples added up.
 */
import type { AdminEndpoint } from '../admin/endpoint.js';
import { mergeShadowViews, type ShadowView } from '../delivery/shadow/shadow-view.js';
import { fanOutEndpoint } from './fan-out.js';

export function mergedShadowEndpoint(workerAdmins: () => readonly string[]): AdminEndpoint {
  return fanOutEndpoint<ShadowView>('/admin/shadow', workerAdmins, mergeShadowViews);
}
