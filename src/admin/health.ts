/** `GET /healthz`: 200 while the gateway serves; open for load balancer and Kubernetes probes. */
import { sendJson, type AdminEndpoint } from './endpoint.js';

export const healthEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/healthz',
  open: true,
  async handle(exchange) {
    sendJson(exchange.res, 200, 'ok');
  },
};
