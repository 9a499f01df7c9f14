/**
 * The demo's gRPC service: orders.v1.OrderService on @grpc/grpc-js, loaded from
 * protos/orders/v1/orders.proto (google/api annotations from Switchyard's built-in include
 * directory). Switchyard serves it three ways from one upstream: native gRPC over h2c, gRPC-Web,
 * and REST/JSON through the annotations (`transcode: true`).
 *   GetOrder 1001      -> { order_id: '1001', customer: 'ada', total_cents: 4200, status: SHIPPED }
 *   GetOrder 9         -> NOT_FOUND
 *   WatchOrder 1001    -> PENDING, SHIPPED, DELIVERED
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { builtinIncludeDir } from '../../src/proto/include-dir.js';

/** The proto import root: the source tree's, also when run from dist/. */
export const ORDERS_PROTOS = fileURLToPath(new URL('../../../examples/orders-service/protos', import.meta.url));
export const ORDERS_PROTO_FILE = 'orders/v1/orders.proto';

interface Order {
  order_id: string;
  customer: string;
  total_cents: string;
  status: string;
}

export interface OrdersService {
  readonly server: grpc.Server;
  /** `h2c://127.0.0.1:PORT`, as a grpc upstream endpoint. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startOrdersService(port = 0, host = '127.0.0.1'): Promise<OrdersService> {
  const definition = protoLoader.loadSync(ORDERS_PROTO_FILE, { includeDirs: [ORDERS_PROTOS, builtinIncludeDir()], keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { orders: { v1: { OrderService: grpc.ServiceClientConstructor } } };
  const orders = new Map<string, Order>([
    ['1001', { order_id: '1001', customer: 'ada', total_cents: '4200', status: 'SHIPPED' }],
    ['1002', { order_id: '1002', customer: 'grace', total_cents: '1999', status: 'PENDING' }],
  ]);
  let next = 1003;
  const server = new grpc.Server();
  const notFound = (id: string) => ({ code: grpc.status.NOT_FOUND, details: `order ${id} does not exist` });
  server.addService(pkg.orders.v1.OrderService.service, {
    GetOrder(call: grpc.ServerUnaryCall<{ order_id: string }, Order>, cb: grpc.sendUnaryData<Order>) {
      const order = orders.get(call.request.order_id);
      if (order === undefined) cb(notFound(call.request.order_id));
      else cb(null, order);
    },
    ListOrders(call: grpc.ServerUnaryCall<{ customer: string }, { orders: Order[] }>, cb: grpc.sendUnaryData<{ orders: Order[] }>) {
      cb(null, { orders: [...orders.values()].filter((o) => call.request.customer === '' || o.customer === call.request.customer) });
    },
    CreateOrder(call: grpc.ServerUnaryCall<{ order: Order | null }, Order>, cb: grpc.sendUnaryData<Order>) {
      const given = call.request.order;
      if (given === null || given.customer === '') {
        cb({ code: grpc.status.INVALID_ARGUMENT, details: 'order.customer is required' });
        return;
      }
      const order: Order = { ...given, order_id: String(next++), status: 'PENDING' };
      orders.set(order.order_id, order);
      cb(null, order);
    },
    WatchOrder(call: grpc.ServerWritableStream<{ order_id: string }, { order_id: string; status: string }>) {
      const id = call.request.order_id;
      if (!orders.has(id)) {
        call.destroy(Object.assign(new Error(notFound(id).details), notFound(id)));
        return;
      }
      for (const status of ['PENDING', 'SHIPPED', 'DELIVERED']) call.write({ order_id: id, status });
      call.end();
    },
  });
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return {
    server,
    url: `h2c://${host}:${bound}`,
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 1_000).unref();
      }),
  };
}
