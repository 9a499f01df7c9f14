// Builds a router from a compact table, for the router tests: each row is [methods, path, where?].
// The value of each route is its index in the table, and `at` is `routes[index]`, as the config
// loader will set it.
import { Router, type HttpMethod, type RouterOptions } from '../../src/router/index.js';

export type Row = readonly [methods: string, path: string, where?: Record<string, string> | undefined, name?: string];

export function build(rows: readonly Row[], options: RouterOptions = {}): Router<number> {
  const router = new Router<number>(options);
  rows.forEach(([methods, path, where, name], index) => {
    router.add({
      methods: methods.split(',') as HttpMethod[],
      path,
      ...(where === undefined ? {} : { where }),
      ...(name === undefined ? {} : { name }),
      value: index,
      at: `routes[${index}]`,
    });
  });
  return router;
}
