/**
 * `GET /admin/rollouts` and `POST /admin/rollouts/{route}/pause|resume|promote|abort|undo`
 * (SPEC section 6; `promote?full=true` skips the remaining steps). The state is read from and
 * written to the rollout store, so any worker process or instance answers alike; under
 * `serve --workers N` the primary forwards these to one worker. GET needs the read token, POST
 * the write one, as every admin endpoint.
 */
import { SwitchyardError } from '../errors.js';
import type { OperatorAction } from '../delivery/rollout/rollout-state.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';

const ACTIONS: readonly OperatorAction[] = ['pause', 'resume', 'promote', 'abort', 'undo'];

export const rolloutsEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/rollouts',
  async handle(exchange, context) {
    sendJson(exchange.res, 200, { rollouts: await context.gateway.runtime.delivery.list() });
  },
};

export const rolloutActionEndpoint: AdminEndpoint = {
  method: 'POST',
  path: '/admin/rollouts/*',
  async handle(exchange, context) {
    const rest = exchange.path.slice('/admin/rollouts/'.length);
    const slash = rest.lastIndexOf('/');
    const action = rest.slice(slash + 1) as OperatorAction;
    let route: string;
    try {
      route = decodeURIComponent(rest.slice(0, Math.max(slash, 0)));
    } catch {
      throw new SwitchyardError('SY_ERR_ADMIN_NOT_FOUND', `no admin endpoint ${exchange.path}: the route name is not valid percent-encoding`);
    }
    if (slash <= 0 || !ACTIONS.includes(action)) throw new SwitchyardError('SY_ERR_ADMIN_NOT_FOUND', `no admin endpoint ${exchange.path}: use POST /admin/rollouts/{route}/${ACTIONS.join('|')}`);
    const full = new URLSearchParams(exchange.query).get('full');
    if (full !== null && full !== 'true' && full !== 'false') throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', `full must be true or false, not '${full}'`);
    if (full === 'true' && action !== 'promote') throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', 'full=true goes with promote only');
    const rollout = await context.gateway.runtime.delivery.act(route, action, full === 'true');
    sendJson(exchange.res, 200, { rollout });
  },
};
