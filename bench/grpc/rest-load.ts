/**
 * bench:grpc's REST/JSON load for the transcoded row: `concurrency` HTTP/1.1 keep-alive
 * connections, each posting {"data": base64} to the binding of /bench.Echo/Echo back to back for
 * `ms`, the answer read whole and checked (200 and the same data back).
 */
import { Agent, request } from 'node:http';

export interface RestRound {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  readonly requests: number;
}

export async function loadRest(address: string, payload: Buffer, concurrency: number, ms: number): Promise<RestRound> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = JSON.stringify({ data: payload.toString('base64') });
  const latencies: number[] = [];
  let failures = 0;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const start = performance.now();
      const req = request({ host, port, agent, method: 'POST', path: '/v1/echo', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ok = res.statusCode === 200 && Buffer.concat(chunks).toString().includes(payload.toString('base64'));
          if (ok) latencies.push(performance.now() - start);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), failures, requests: latencies.length + failures };
}
