/**
 * The middleware types Switchyard knows, by their `type:` in config. Other capabilities add their
 * factories here; everything else goes through the same FilterFactory contract.
 */
import type { FilterFactory } from './filter.js';
import { headersFilter } from './headers.js';
import { corsFilter } from './cors.js';

export const filterFactories: ReadonlyMap<string, FilterFactory<never>> = new Map<string, FilterFactory<never>>([
  [headersFilter.type, headersFilter],
  [corsFilter.type, corsFilter],
]);
