/**
 * Reads the start of a request body for the shield without taking it from the upstream: a body
 * that ends within `max` bytes is read whole and handed on as `exchange.body` (the FastCGI
 * upstream sends it from there, in the same write as the request's records, as it would have);
 * a longer one is read up to `max` bytes, which are put back at the front of the stream
 * (`unshift`, before its end was seen) for the upstream to read as if untouched.
 */
import type { Readable } from 'node:stream';

export interface BodyPrefix {
  readonly bytes: Buffer;
  /** True when `bytes` is the whole body (the stream has ended). */
  readonly complete: boolean;
}

export function readBodyPrefix(req: Readable, max: number): Promise<BodyPrefix> {
  return new Promise<BodyPrefix>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      // Stop reading once `max` is reached: a read past the last byte would let 'end' fire.
      while (size < max && (chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size >= max) {
        cleanup();
        const bytes = Buffer.concat(chunks, size);
        req.unshift(bytes);
        resolve({ bytes: bytes.subarray(0, max), complete: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ bytes: Buffer.concat(chunks, size), complete: true });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('client closed the connection while sending the body'));
    };
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
