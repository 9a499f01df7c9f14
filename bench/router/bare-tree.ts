/**
 * The benchmark's baseline: the same route table registered straight into find-my-way (the paths
 * this router compiles to, without its own work on top: HEAD, constraints on catch-alls, named
 * parameters, 405). Measured beside the router, it shows which part of a slowdown comes from the
 * tree itself.
 */
import FindMyWay from 'find-my-way';
import { compileRoute } from '../../src/router/compile-route.js';
import { parsePath } from '../../src/router/path-syntax.js';
import type { RouteDefinition } from '../../src/router/index.js';

export function bareTree(routes: readonly RouteDefinition<number>[]): (method: string, path: string) => boolean {
  const fmw = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 1024 });
  const seen = new Set<string>();
  const handler = (): void => {};
  for (const def of routes) {
    const parsed = parsePath(def.path);
    const route = typeof parsed === 'string' ? parsed : compileRoute(parsed, def.where ?? {}, { caseSensitive: true, ignoreTrailingSlash: true });
    if (typeof route === 'string') throw new Error(`benchmark route ${def.path}: ${route}`);
    for (const method of def.methods) {
      for (const variant of route.variants) {
        if (seen.has(`${method} ${variant.nodeKey}`)) continue;
        seen.add(`${method} ${variant.nodeKey}`);
        fmw.on(method, variant.fmwPath, handler);
      }
    }
  }
  return (method, path) => fmw.find(method as FindMyWay.HTTPMethod, path) !== null;
}
