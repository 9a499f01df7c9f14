/**
 * The part of a generated client that runs: written into every client.ts after the types from
 * openapi-typescript and the operation table. Kept free of imports and of DOM or Node type
 * references (fetch, the response and its headers are described structurally), so the file
 * compiles under `tsc --strict` in a browser, Node or worker project alike.
 *
 * The type helpers turn openapi-typescript's `operations[id]` (parameters.path/query/header,
 * requestBody.content, responses[status].content) into each method's input and 2xx body.
 */
export const RUNTIME_SOURCE = `
type Parameters_<O> = O extends { parameters: infer P } ? P : {};
type Slot<P, K extends string> = K extends keyof P ? Exclude<P[K], undefined> : never;
type InputPart<P, K extends string, Name extends string> = [Slot<P, K>] extends [never]
  ? { [N in Name]?: never }
  : {} extends Pick<P, K & keyof P>
    ? { [N in Name]?: Slot<P, K> }
    : {} extends Slot<P, K>
      ? { [N in Name]?: Slot<P, K> }
      : { [N in Name]: Slot<P, K> };
/** A body media type's schema: JSON when the operation offers it, else the first one listed. */
type MediaBody<C> = [C] extends [never] ? undefined : C extends { 'application/json': infer B } ? B : C[keyof C];
type ContentOf<B> = B extends { content: infer C } ? C : never;
type BodyPart<O> = 'requestBody' extends keyof O
  ? O extends { requestBody: infer B }
    ? { body: MediaBody<ContentOf<B>> }
    : O extends { requestBody?: infer B }
      ? { body?: MediaBody<ContentOf<Exclude<B, undefined>>> }
      : never
  : { body?: never };
type HeaderPart<P> = [Slot<P, 'header'>] extends [never]
  ? { headers?: Record<string, string> }
  : {} extends Slot<P, 'header'>
    ? { headers?: Slot<P, 'header'> & Record<string, unknown> }
    : { headers: Slot<P, 'header'> & Record<string, unknown> };
/** What one operation's method takes: \`{ path?, query?, headers?, body? }\`, each required when the operation requires it. */
export type OperationInput<O> = InputPart<Parameters_<O>, 'path', 'path'> & InputPart<Parameters_<O>, 'query', 'query'> & HeaderPart<Parameters_<O>> & BodyPart<O>;
type SuccessStatus =
  | 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | 208 | 226
  | '200' | '201' | '202' | '203' | '204' | '205' | '206' | '207' | '208' | '226' | '2XX';
type Responses<O> = O extends { responses: infer R } ? R : {};
type ResponseBody<R> = R extends { content: infer C } ? MediaBody<C> : undefined;
type SuccessBodies<O> = { [S in keyof Responses<O>]: S extends SuccessStatus ? ResponseBody<Responses<O>[S]> : never }[keyof Responses<O>];
/** What one operation's method resolves to: the body of its 2xx responses (unknown when it declares none). */
export type OperationResult<O> = [SuccessBodies<O>] extends [never] ? unknown : SuccessBodies<O>;
type Method<O> = {} extends OperationInput<O>
  ? (input?: OperationInput<O>) => Promise<OperationResult<O>>
  : (input: OperationInput<O>) => Promise<OperationResult<O>>;

/** One method per operationId. */
export type Client = { [K in keyof typeof operationTable]: K extends keyof operations ? Method<operations[K]> : never };

/** The part of a fetch Response the client reads. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}
/** A fetch function (the global one by default). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<ResponseLike>;

export interface ClientOptions {
  /** Where the API is, e.g. \`https://api.example.com/v1\`; the operation's path is appended. */
  readonly baseUrl: string;
  readonly fetch?: FetchLike;
  /** Sent with every request; a call's own headers win. */
  readonly headers?: Record<string, string>;
}

/** A non-2xx answer: its status and its parsed body (a problem+json object, other JSON, or text). */
export class ClientError extends Error {
  readonly operationId: string;
  readonly status: number;
  readonly body: unknown;
  constructor(operationId: string, status: number, body: unknown) {
    super(operationId + ' failed with status ' + status + problemText(body));
    this.name = 'ClientError';
    this.operationId = operationId;
    this.status = status;
    this.body = body;
  }
}

function problemText(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const problem = body as { title?: unknown; detail?: unknown };
  const text = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : undefined;
  return text === undefined ? '' : ': ' + text;
}

interface CallInput {
  readonly path?: Record<string, unknown>;
  readonly query?: Record<string, unknown>;
  readonly headers?: Record<string, unknown>;
  readonly body?: unknown;
}

export function createClient(options: ClientOptions): Client {
  const fetchFn = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (fetchFn === undefined) throw new TypeError('createClient: no fetch function; pass options.fetch');
  const baseUrl = options.baseUrl.replace(/\\/+$/, '');
  const client: Record<string, (input?: CallInput) => Promise<unknown>> = {};
  for (const [operationId, operation] of Object.entries(operationTable) as [string, OperationRoute][]) {
    client[operationId] = (input = {}) => call(fetchFn, baseUrl, options.headers ?? {}, operationId, operation, input);
  }
  return client as unknown as Client;
}

interface OperationRoute {
  readonly method: string;
  readonly path: string;
  readonly mediaType?: string;
}

async function call(fetchFn: FetchLike, baseUrl: string, defaults: Record<string, string>, operationId: string, operation: OperationRoute, input: CallInput): Promise<unknown> {
  const path = operation.path.replace(/\\{([^}]+)\\}/g, (_, name: string) => {
    const value = input.path?.[name];
    if (value === undefined || value === null) throw new TypeError(operationId + ': path parameter "' + name + '" is missing');
    return encodeURIComponent(String(value));
  });
  const query = queryString(input.query ?? {});
  // Names lowercased, so a call's Content-Type replaces the client's content-type instead of joining it.
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of [...Object.entries(defaults), ...Object.entries(input.headers ?? {})]) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  const init: { method: string; headers: Record<string, string>; body?: string } = { method: operation.method, headers };
  if (input.body !== undefined) {
    const mediaType = headers['content-type'] ?? operation.mediaType ?? 'application/json';
    // A range such as */* is no Content-Type: the caller's header says what the body is.
    if (!mediaType.includes('*')) headers['content-type'] = mediaType;
    init.body = encodeBody(mediaType, input.body);
  }
  const response = await fetchFn(baseUrl + path + query, init);
  const ok = response.status >= 200 && response.status <= 299;
  const body = await readBody(response, ok);
  if (!ok) throw new ClientError(operationId, response.status, body);
  return body;
}

/** OpenAPI's default query style: form, exploded (an array repeats its name, an object spreads its members). */
function queryString(query: Record<string, unknown>): string {
  const pairs: string[] = [];
  const add = (name: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    pairs.push(encodeURIComponent(name) + '=' + encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value)));
  };
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) add(name, item);
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) add(key, item);
    else add(name, value);
  }
  return pairs.length === 0 ? '' : '?' + pairs.join('&');
}

function encodeBody(mediaType: string, body: unknown): string {
  if (typeof body === 'string' && !isJson(mediaType)) return body;
  if (mediaType === 'application/x-www-form-urlencoded' && typeof body === 'object' && body !== null) {
    return queryString(body as Record<string, unknown>).slice(1);
  }
  return JSON.stringify(body);
}

/** The body as JSON when it says it is; an error body that is not JSON after all is kept as text. */
async function readBody(response: ResponseLike, ok: boolean): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  if (!isJson(response.headers.get('content-type') ?? '')) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    if (ok) throw err;
    return text;
  }
}

function isJson(mediaType: string): boolean {
  return /^[^;]*[/+]json\\s*(?:;|$)/i.test(mediaType);
}
`;
