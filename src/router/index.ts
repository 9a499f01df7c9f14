/**
 * The router's public surface, exported by the package as `switchyard/router`: Laravel route
 * syntax (`{id}`, `{id?}`, `where`, inline `{id:\d+}`, named routes) on a radix tree.
 */
export { Router } from './router.js';
export { routerDefaults } from './types.js';
export type { HttpMethod, RouteDefinition, RouteLookup, RouterOptions } from './types.js';
