/** Every admin endpoint, in one list. */
import type { AdminEndpoint } from './endpoint.js';
import { healthEndpoint } from './health.js';
import { reloadEndpoint } from './reload.js';

export const adminEndpoints: readonly AdminEndpoint[] = [healthEndpoint, reloadEndpoint];
