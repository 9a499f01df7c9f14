/**
 * Active health checking of a gRPC endpoint by grpc.health.v1.Health/Check (the standard health
 * protocol, grpc/grpc doc/health-checking.md): SERVING passes; NOT_SERVING, UNKNOWN, a non-OK
 * grpc-status (UNIMPLEMENTED when the server has no health service) or no answer fail. The two
 * messages are one field each, so they are encoded and decoded by hand: HealthCheckRequest is
 * `string service = 1`, HealthCheckResponse is `ServingStatus status = 1` (SERVING = 1).
 */
import { constants } from 'node:http2';
import type { EndpointSessions } from './session.js';
import { FrameReader, frame } from './frames.js';
import { isSwitchyardError } from '../../errors.js';

const SERVING = 1;
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

export function encodeHealthCheckRequest(service: string): Uint8Array {
  if (service === '') return new Uint8Array(0);
  const name = Buffer.from(service, 'utf8');
  const length = varint(name.length);
  return Buffer.concat([Buffer.from([0x0a]), length, name]);
}

/** The ServingStatus of a HealthCheckResponse (0, UNKNOWN, when the field is absent). */
export function decodeHealthCheckResponse(bytes: Uint8Array): number {
  let i = 0;
  let status = 0;
  while (i < bytes.length) {
    const [tag, next] = readVarint(bytes, i);
    i = next;
    const wire = tag & 7;
    if (tag >>> 3 === 1 && wire === 0) {
      [status, i] = readVarint(bytes, i);
    } else if (wire === 0) {
      i = readVarint(bytes, i)[1];
    } else if (wire === 2) {
      const [len, at] = readVarint(bytes, i);
      i = at + len;
    } else if (wire === 5) i += 4;
    else if (wire === 1) i += 8;
    else break;
  }
  return status;
}

export async function healthProbe(sessions: EndpointSessions, service: string, signal: AbortSignal): Promise<{ passed: boolean; detail: string }> {
  let release: (() => void) | undefined;
  try {
    const got = sessions.acquire();
    const { session, done } = got instanceof Promise ? await got : got;
    release = done;
    const stream = session.request(
      { ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', ':authority': sessions.authority, ':scheme': sessions.url.startsWith('https:') ? 'https' : 'http', 'content-type': 'application/grpc', te: 'trailers', 'user-agent': 'switchyard-health-check' },
      { signal },
    );
    stream.end(frame(encodeHealthCheckRequest(service)));
    const reader = new FrameReader(1024);
    let serving: number | undefined;
    let grpcStatus: string | undefined;
    let httpStatus = 0;
    stream.on('response', (h) => {
      httpStatus = Number(h[':status']);
      if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
    });
    stream.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) serving = decodeHealthCheckResponse(f.data);
    });
    stream.on('trailers', (t) => (grpcStatus = String(t['grpc-status'] ?? '')));
    await new Promise<void>((resolve, reject) => {
      stream.once('close', () => (stream.rstCode === constants.NGHTTP2_NO_ERROR || grpcStatus !== undefined ? resolve() : reject(Object.assign(new Error('stream reset'), { code: `RST_STREAM ${stream.rstCode}` }))));
      stream.once('error', reject);
    });
    if (httpStatus !== 200) return { passed: false, detail: `HTTP ${httpStatus}` };
    if (grpcStatus !== '0') return { passed: false, detail: `grpc-status ${grpcStatus ?? 'missing'}` };
    return { passed: serving === SERVING, detail: STATUS_NAMES[serving ?? 0] ?? String(serving) };
  } catch (err) {
    if (isSwitchyardError(err)) return { passed: false, detail: err.code };
    return { passed: false, detail: (err as { code?: string }).code ?? (err as Error).name };
  } finally {
    release?.();
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  while (i < bytes.length) {
    const b = bytes[i++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return [value, i];
}
