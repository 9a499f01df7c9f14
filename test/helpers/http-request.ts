/**
 * A plain node:http client for tests. It sends the path exactly as given (`/a/../b`, `%00`),
 * which fetch would normalise away, can send a chunked body, and can watch the body arrive.
 */
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  /** Sent with a Content-Length, unless `chunked`. */
  readonly body?: Buffer | string;
  /** Send the body with Transfer-Encoding: chunked, in pieces of this many bytes. */
  readonly chunked?: number;
  /** Called with each body chunk as it arrives. */
  readonly onChunk?: (chunk: Buffer) => void;
  readonly socketPath?: string;
}

export function httpRequest(port: number, path: string, options: HttpRequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...options.headers };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body !== undefined && options.chunked === undefined) headers['content-length'] = body.length;
    if (options.chunked !== undefined) headers['transfer-encoding'] = 'chunked';
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false, ...(options.socketPath === undefined ? {} : { socketPath: options.socketPath }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          options.onChunk?.(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          const text = all.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: all,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined && options.chunked !== undefined) {
      for (let i = 0; i < body.length; i += options.chunked) req.write(body.subarray(i, i + options.chunked));
    } else if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}
