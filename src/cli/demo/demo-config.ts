/** The switchyard.yaml the demo writes: one route moved to the TypeScript service, the rest PHP. */

export interface DemoConfigOptions {
  readonly listen: string;
  readonly admin: string;
  readonly usersUrl: string;
  /** php-fpm's socket, or undefined when php-fpm is not installed. */
  readonly phpSocket: string | undefined;
  readonly legacyRoot: string;
  readonly accessLog: string;
  /** The gRPC orders service (`h2c://...`) and its proto import root; undefined when it cannot run. */
  readonly orders?: { readonly url: string; readonly protos: string; readonly file: string } | undefined;
}

export function demoConfig(o: DemoConfigOptions): string {
  const legacy =
    o.phpSocket === undefined
      ? ''
      : `  legacy:
    type: fastcgi
    address: unix:${o.phpSocket}
    root: ${JSON.stringify(o.legacyRoot)}
    index: index.php
    maxConnections: 4
    status: /fpm-status
`;
  const fallback =
    o.phpSocket === undefined
      ? ''
      : `  - any: /{path?}
    where: { path: '.*' }
    to: legacy
    static: true
    name: legacy
`;
  const orders =
    o.orders === undefined
      ? ''
      : `  orders:
    type: grpc
    endpoints: [${o.orders.url}]
    proto: { files: [${o.orders.file}], importPaths: [${JSON.stringify(o.orders.protos)}] }
    transcode: true            # GET /v1/orders/{order_id} and the other google.api.http bindings
`;
  const ordersRoute =
    o.orders === undefined
      ? ''
      : `  - post: /orders.v1.OrderService/{method}
    to: orders                 # native gRPC (h2c) and gRPC-Web pass through
`;
  return `# Written by switchyard demo.
listen: ${o.listen}
admin:
  listen: ${o.admin}
accessLog: ${JSON.stringify(o.accessLog)}
upstreams:
${legacy}  users:
    type: http
    endpoints: [${o.usersUrl}]
${orders}middleware:
  secure:
    type: headers
    response: { set: { X-Content-Type-Options: nosniff }, remove: [X-Powered-By] }
routes:
${ordersRoute}  - group: { middleware: [secure] }
    routes:
      - get: /api/users/{id}
        where: { id: '\\d+' }
        to: users
        name: users.show
${fallback.replace(/^/gm, '    ').replace(/\s+$/, '')}
`;
}
