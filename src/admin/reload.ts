/** `POST /admin/reload`: reload switchyard.yaml as SIGHUP does; 422 with every problem if bad. */
import { SwitchyardError } from '../errors.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';

export const reloadEndpoint: AdminEndpoint = {
  method: 'POST',
  path: '/admin/reload',
  async handle(exchange, context) {
    const outcome = await context.reload();
    if (!outcome.reloaded) throw new SwitchyardError('SY_ERR_RELOAD_REJECTED', outcome.problems.join('\n'));
    sendJson(exchange.res, 200, outcome);
  },
};
