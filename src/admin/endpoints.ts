/** Every admin endpoint, in one list. */
import type { AdminEndpoint } from './endpoint.js';
import { healthEndpoint } from './health.js';
import { readyEndpoint } from './ready.js';
import { reloadEndpoint } from './reload.js';
import { upstreamsEndpoint } from './upstreams.js';
import { metricsEndpoint } from './metrics.js';
import { heatmapEndpoint } from './heatmap.js';
import { correlationEndpoint } from './correlation.js';
import { dashboardEndpoints } from './dashboard/dashboard.js';
import { senseListEndpoint, sensePostEndpoint } from './sense.js';
import { shieldEndpoint } from './shield.js';
import { rolloutActionEndpoint, rolloutsEndpoint } from './rollouts.js';
import { jwksEndpoint } from '../plugins/php-session/jwks-endpoint.js';
import { shadowEndpoint } from './shadow.js';

export const adminEndpoints: readonly AdminEndpoint[] = [healthEndpoint, readyEndpoint, reloadEndpoint, upstreamsEndpoint, metricsEndpoint, heatmapEndpoint, correlationEndpoint, senseListEndpoint, sensePostEndpoint, shieldEndpoint, rolloutsEndpoint, rolloutActionEndpoint, shadowEndpoint, ...dashboardEndpoints, jwksEndpoint];
