/**
 * Canary and baseline stand-ins for the delivery tests: real HTTP services on 127.0.0.1 port 0
 * whose answers a test shapes: JSON with a side name, noisy fields (time, id, key order), a share
 * of 503s, or a slow tail. Randomness is seeded so a run is repeatable.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServiceBehaviour {
  /** Share of requests answered 503. */
  readonly errorRate?: number;
  /** Share of requests held this many ms longer: [share, ms]. */
  readonly slowTail?: readonly [number, number];
  /** Timestamps, ids and key order that change from answer to answer. */
  readonly noisy?: boolean;
}

export interface Service {
  readonly port: number;
  readonly url: string;
  served: number;
  close(): Promise<void>;
}

export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startService(name: string, behaviour: ServiceBehaviour = {}, seed = 1): Promise<Service> {
  const random = seeded(seed);
  const service = { served: 0 } as Service & { port: number; url: string };
  const server: Server = createServer((req, res) => {
    service.served++;
    const draw = random();
    if (draw < (behaviour.errorRate ?? 0)) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unavailable', side: name }));
      return;
    }
    const [share, extra] = behaviour.slowTail ?? [0, 0];
    const body = behaviour.noisy === true ? { time: new Date().toISOString(), id: Math.floor(random() * 1e9), side: name, path: req.url } : { side: name, path: req.url };
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (random() < share) setTimeout(answer, extra);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.port = (server.address() as AddressInfo).port;
  service.url = `http://127.0.0.1:${service.port}`;
  service.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return service;
}
