/**
 * `GET /ready`: the readiness answer for load balancers and Kubernetes, open like `/healthz`.
 * `/healthz` says the process is alive; this says it should get traffic: 200 once the config is
 * loaded, every upstream built and the listeners bound (with `serve --workers N`, once all N
 * workers reported so), 503 before that and from SIGTERM on, while in-flight requests drain, so
 * a balancer stops sending new ones before the listeners close.
 */
import { SwitchyardError } from '../errors.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';

export const readyEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/ready',
  open: true,
  async handle(exchange, context) {
    const readiness = context.readiness?.() ?? { state: 'ready' };
    if (readiness.state === 'draining') throw new SwitchyardError('SY_ERR_SHUTTING_DOWN', 'draining: in-flight requests are finishing, new traffic goes elsewhere', { headers: { 'cache-control': 'no-store' } });
    if (readiness.state === 'starting') throw new SwitchyardError('SY_ERR_NOT_READY', readiness.detail, { headers: { 'cache-control': 'no-store' } });
    sendJson(exchange.res, 200, { status: 'ready' });
  },
};
