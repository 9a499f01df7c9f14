// `switchyard demo`'s gRPC part: the orders service behind the gateway answers the printed
// transcoded REST URL (unary, a list, a server stream as lines, a gRPC error as problem+json
// with grpc-gateway's code) and native gRPC on the same port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

test('demo serves the orders gRPC service natively and as transcoded REST/JSON', async () => {
  const child = spawn(process.execPath, [BIN, 'demo', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const printed: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      printed.push(line);
      if (line.includes('access log')) break;
    }
    const order = /(http:\/\/\S+)/.exec(printed.find((l) => l.includes('gRPC, transcoded')) ?? '')?.[1] ?? assert.fail(`no transcoded URL in:\n${printed.join('\n')}\n${stderr}`);
    assert.deepEqual(await (await fetch(order)).json(), { orderId: '1001', customer: 'ada', totalCents: '4200', status: 'SHIPPED' });
    const base = new URL(order);
    const list = (await (await fetch(new URL('/v1/orders?customer=grace', base))).json()) as { orders: { orderId: string }[] };
    assert.deepEqual(list.orders.map((o) => o.orderId), ['1002']);
    const watch = await (await fetch(new URL('/v1/orders/1001:watch', base))).text();
    assert.deepEqual(watch.trim().split('\n').map((l) => (JSON.parse(l) as { result: { status: string } }).result.status), ['PENDING', 'SHIPPED', 'DELIVERED']);
    const missing = await fetch(new URL('/v1/orders/9', base));
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: number }).code, 5);

    // Native gRPC on the same port, GetOrderRequest { order_id = "1001" } by hand.
    const client = new grpc.Client(base.host, grpc.credentials.createInsecure());
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest('/orders.v1.OrderService/GetOrder', (x: Buffer) => x, (x: Buffer) => x, Buffer.from([0x0a, 4, ...Buffer.from('1001')]), (err, r) => (err ? reject(err) : resolve(r as Buffer))),
    );
    client.close();
    assert.ok(reply.includes(Buffer.from('ada')), 'the order comes back over native gRPC');
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  } finally {
    child.kill('SIGKILL');
  }
});
