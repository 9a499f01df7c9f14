/**
 * `GET /metrics`: Prometheus exposition of the gateway's metrics (SPEC section 10). OpenMetrics,
 * with trace-id exemplars, when the scraper's Accept asks for it (Prometheus does), else the
 * classic text format.
 */
import { SwitchyardError } from '../errors.js';
import type { AdminContext, AdminEndpoint } from './endpoint.js';
import type { Telemetry } from '../telemetry/telemetry.js';

export const metricsEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/metrics',
  async handle(exchange, context) {
    const telemetry = requireTelemetry(context);
    const accept = exchange.req.headers.accept ?? '';
    const { contentType, body } = await telemetry.metrics.render(accept.includes('application/openmetrics-text'));
    exchange.res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
  },
};

/** Telemetry endpoints answer 404 when the config turned telemetry off. */
export function requireTelemetry(context: AdminContext): Telemetry {
  if (context.telemetry === undefined) throw new SwitchyardError('SY_ERR_ADMIN_NOT_FOUND', 'telemetry is off (telemetry.metrics: false)');
  return context.telemetry;
}
