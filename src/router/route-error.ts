/**
 * Load-time route errors. Every problem with a route definition is SY_ERR_CONFIG_ROUTE with a
 * message that starts with where the route was defined, so `switchyard validate` and `serve`
 * can point at the exact entry of the config.
 */
import { SwitchyardError } from '../errors.js';

/** Says which route a message is about: `routes[3] (GET /user/{id})`, or the path alone. */
export function describeRoute(at: string | undefined, path: string): string {
  return at === undefined ? `route '${path}'` : `${at} ('${path}')`;
}

export function routeError(route: string, detail: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_CONFIG_ROUTE', `${route}: ${detail}`);
}
