/**
 * bench:grpc's REST/JSON load for the transcoded row: `concurrency` HTTP/1.1 keep-alive
 * connections of an undici Pool (as light a client per call as grpc-js's channel is for the gRPC
 * rows, which share the machine's cores with it), each posting {"data": base64} to the binding of
 * /bench.Echo/Echo back to back for `ms`, the answer read whole and checked (200 and the same data
 * back).
 */
import { Pool } from 'undici';

export interface RestRound {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  readonly requests: number;
}

export async function loadRest(address: string, payload: Buffer, concurrency: number, ms: number): Promise<RestRound> {
  const pool = new Pool(`http://${address}`, { connections: concurrency });
  const body = JSON.stringify({ data: payload.toString('base64') });
  const expected = payload.toString('base64');
  const latencies: number[] = [];
  let failures = 0;
  const one = async (): Promise<void> => {
    const start = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path: '/v1/echo', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      if (res.statusCode === 200 && text.includes(expected)) latencies.push(performance.now() - start);
      else failures++;
    } catch {
      failures++;
    }
  };
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), failures, requests: latencies.length + failures };
}
