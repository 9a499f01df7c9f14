/**
 * `GET /admin/shield` (SPEC section 11): every shield rule with its id, category, paranoia level
 * and the mode the running config's top-level `shield:` gives it (routes may change it; `switchyard
 * shield rules -c FILE` lists where), and the newest blocks, oldest first. Needs the admin token
 * when one is set: blocks name requests and routes.
 */
import { RULES } from '../shield/catalogue.js';
import { ruleMode } from '../shield/policy.js';
import type { ShieldBlock } from '../shield/shield-blocks.js';
import type { ShieldConfig } from '../config/types.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';

export interface ShieldView {
  readonly rules: readonly { readonly id: number; readonly category: string; readonly paranoia: number; readonly mode: string }[];
  readonly blocks: readonly ShieldBlock[];
}

export const shieldEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/shield',
  async handle(exchange, context) {
    sendJson(exchange.res, 200, { rules: shieldRules(context.gateway.runtime.config.shield), blocks: context.shieldBlocks?.list() ?? [] } satisfies ShieldView);
  },
};

export function shieldRules(shield: ShieldConfig): ShieldView['rules'] {
  return RULES.map((r) => ({ id: r.id, category: r.category, paranoia: r.paranoia, mode: shield.enabled ? ruleMode(r, shield, undefined) : 'off' }));
}
