/**
 * A realistic route table of any size for the router benchmark: resources with REST routes,
 * numeric and slug parameters, optional parameters, a catch-all and a multi-parameter segment,
 * plus request paths that hit, miss (404) and use the wrong method (405).
 */
import type { HttpMethod, RouteDefinition } from '../../src/router/index.js';

const WORDS = [
  'users', 'orders', 'invoices', 'products', 'carts', 'payments', 'shipments', 'reviews', 'coupons', 'teams',
  'projects', 'tickets', 'articles', 'comments', 'tags', 'files', 'reports', 'events', 'venues', 'bookings',
];

interface Shape {
  readonly methods: readonly HttpMethod[];
  readonly path: (base: string) => string;
  readonly where?: Readonly<Record<string, string>>;
  /** A request path this route answers. */
  readonly hit: (base: string, i: number) => string;
}

/** Ten routes per resource; `resources * 10` routes in all. */
const SHAPES: readonly Shape[] = [
  { methods: ['GET', 'POST'], path: (b) => b, hit: (b) => b },
  { methods: ['GET', 'PUT', 'PATCH', 'DELETE'], path: (b) => `${b}/{id}`, where: { id: '\\d+' }, hit: (b, i) => `${b}/${1000 + i}` },
  { methods: ['GET'], path: (b) => `${b}/{id}/edit`, where: { id: '\\d+' }, hit: (b, i) => `${b}/${i}/edit` },
  { methods: ['GET'], path: (b) => `${b}/by-slug/{slug}`, hit: (b, i) => `${b}/by-slug/some-title-${i}` },
  { methods: ['GET'], path: (b) => `${b}/search`, hit: (b) => `${b}/search?q=x` },
  { methods: ['GET'], path: (b) => `${b}/{id}/items/{item?}`, where: { id: '\\d+' }, hit: (b, i) => `${b}/${i}/items/${i * 7}` },
  { methods: ['GET'], path: (b) => `${b}/attachments/{path}`, where: { path: '.*' }, hit: (b, i) => `${b}/attachments/2024/${i}/scan.pdf` },
  { methods: ['GET'], path: (b) => `${b}/export.{format}`, where: { format: 'csv|json|xml' }, hit: (b) => `${b}/export.json` },
  { methods: ['POST'], path: (b) => `${b}/{id}/archive`, where: { id: '\\d+' }, hit: (b, i) => `${b}/${i}/archive` },
  { methods: ['DELETE'], path: (b) => `${b}/{id}/cache/{key:[a-z0-9]{8}}`, where: { id: '\\d+' }, hit: (b, i) => `${b}/${i}/cache/abcd${String(1000 + (i % 9000)).slice(0, 4)}` },
];

export interface Request {
  readonly method: HttpMethod;
  readonly path: string;
}

export interface Workload {
  readonly routes: RouteDefinition<number>[];
  readonly hits: Request[];
  readonly misses: Request[];
  readonly wrongMethod: Request[];
}

function base(resource: number): string {
  const word = WORDS[resource % WORDS.length] as string;
  const version = Math.floor(resource / WORDS.length) + 1;
  return `/api/v${version}/${word}`;
}

export function workload(routeCount: number): Workload {
  const resources = Math.max(1, Math.floor(routeCount / SHAPES.length));
  const routes: RouteDefinition<number>[] = [];
  const hits: Request[] = [];
  const misses: Request[] = [];
  const wrongMethod: Request[] = [];
  for (let r = 0; r < resources; r++) {
    const b = base(r);
    SHAPES.forEach((shape, s) => {
      routes.push({
        methods: shape.methods,
        path: shape.path(b),
        ...(shape.where === undefined ? {} : { where: shape.where }),
        name: `${b}.${s}`,
        value: routes.length,
        at: `routes[${routes.length}]`,
      });
      hits.push({ method: shape.methods[0] as HttpMethod, path: shape.hit(b, r) });
    });
    misses.push({ method: 'GET', path: `${b}/${r}/unknown` });
    misses.push({ method: 'GET', path: `${b}/not-a-number/edit` });
    misses.push({ method: 'GET', path: `/api/v${r + 1}/nothing-here/${r}` });
    wrongMethod.push({ method: 'DELETE', path: `${b}/search` });
    wrongMethod.push({ method: 'PUT', path: `${b}/${r}/edit` });
    wrongMethod.push({ method: 'POST', path: `${b}/export.csv` });
  }
  return { routes, hits, misses, wrongMethod };
}
