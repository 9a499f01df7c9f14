/**
 * The middleware types Switchyard knows, by their `type:` in config. Other capabilities add their
 * factories here; everything else goes through the same FilterFactory contract.
 */
import type { FilterFactory } from './filter.js';
import { headersFilter } from './headers.js';
import { corsFilter } from './cors.js';
import { rateLimitFilter } from '../plugins/rate-limit/rate-limit-filter.js';
import { jwtFilter } from '../plugins/auth/jwt-filter.js';
import { apiKeyFilter } from '../plugins/auth/api-key-filter.js';
import { basicAuthFilter } from '../plugins/auth/basic-auth-filter.js';
import { ipRestrictionFilter } from '../plugins/net/ip-restriction-filter.js';
import { bodyLimitFilter } from '../plugins/body-limit-filter.js';
import { wasmFilter } from '../plugins/wasm/wasm-filter.js';
import { phpSessionFilter } from '../plugins/php-session/php-session-filter.js';

export const filterFactories: ReadonlyMap<string, FilterFactory<never>> = new Map<string, FilterFactory<never>>([
  [headersFilter.type, headersFilter],
  [corsFilter.type, corsFilter],
  [rateLimitFilter.type, rateLimitFilter],
  [jwtFilter.type, jwtFilter],
  [apiKeyFilter.type, apiKeyFilter],
  [basicAuthFilter.type, basicAuthFilter],
  [ipRestrictionFilter.type, ipRestrictionFilter],
  [bodyLimitFilter.type, bodyLimitFilter],
  [wasmFilter.type, wasmFilter],
  [phpSessionFilter.type, phpSessionFilter],
]);
