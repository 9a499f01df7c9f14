/**
 * The error catalogue: every error Switchyard reports, on the wire or on the command line, has a
 * stable code here, an HTTP status and a title. Callers match on `code`, never on message text.
 * Codes are never reused or renumbered; `docs/errors.md` lists the same codes (a test checks).
 */

export interface ErrorDefinition {
  /** HTTP status when the error reaches a client; CLI-only errors use 500 and never reach one. */
  readonly status: number;
  /** Short, stable, human title (the problem+json `title`). */
  readonly title: string;
}

export const catalogue = {
  // --- command line -------------------------------------------------------------------------
  SY_ERR_CLI_USAGE: { status: 500, title: 'invalid command-line usage' },
  SY_ERR_FILE_NOT_FOUND: { status: 500, title: 'file not found' },
  SY_ERR_FILE_UNREADABLE: { status: 500, title: 'file cannot be read' },
  SY_ERR_FILE_UNWRITABLE: { status: 500, title: 'file cannot be written' },
  SY_ERR_SENSE_UNAVAILABLE: { status: 500, title: 'the kernel sensor cannot run on this machine' },
  SY_ERR_SENSE_STOPPED: { status: 500, title: 'the kernel sensor stopped' },
  SY_ERR_ADMIN_UNREACHABLE: { status: 500, title: 'the admin api cannot be reached' },

  // --- configuration ------------------------------------------------------------------------
  SY_ERR_CONFIG_SYNTAX: { status: 500, title: 'configuration is not valid YAML' },
  SY_ERR_CONFIG_INVALID: { status: 500, title: 'configuration does not match the schema' },
  SY_ERR_CONFIG_ENV: { status: 500, title: 'configuration refers to an unset environment variable' },
  SY_ERR_CONFIG_ROUTE: { status: 500, title: 'route definition is invalid or conflicts with another' },
  SY_ERR_ROUTE_URL: { status: 500, title: 'cannot build a url for the named route' },
  SY_ERR_CONFIG_MIDDLEWARE: { status: 500, title: 'middleware configuration is invalid' },
  SY_ERR_CONFIG_UPSTREAM: { status: 500, title: 'upstream configuration is invalid' },
  SY_ERR_CONFIG_GRPC_DESCRIPTORS: { status: 500, title: 'the service descriptors of a grpc upstream cannot be loaded' },
  SY_ERR_CONFIG_UNRESOLVED: { status: 500, title: 'configuration names a host that cannot be resolved' },
  SY_ERR_CONFIG_CONTRACT: { status: 500, title: 'openapi contract of a route cannot be loaded' },
  SY_ERR_LISTEN: { status: 500, title: 'cannot listen on the configured address' },
  SY_ERR_LISTEN_IN_USE: { status: 500, title: 'the configured address is already in use by another program' },

  // --- client request (listener, filter chain, router) --------------------------------------
  SY_ERR_BAD_REQUEST: { status: 400, title: 'malformed request' },
  SY_ERR_HEADERS_TOO_LARGE: { status: 431, title: 'request header fields too large' },
  SY_ERR_BODY_TOO_LARGE: { status: 413, title: 'request body too large' },
  SY_ERR_REQUEST_TIMEOUT: { status: 408, title: 'client was too slow to send the request' },
  SY_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'no route matches the request' },
  SY_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'method not allowed on this route' },
  SY_ERR_FORBIDDEN_PATH: { status: 403, title: 'path is not allowed' },
  SY_ERR_CORS_REJECTED: { status: 403, title: 'cross-origin request rejected' },
  SY_ERR_NOT_FOUND: { status: 404, title: 'file not found' },
  SY_ERR_DIRECTORY_LISTING_FORBIDDEN: { status: 403, title: 'directory has no index and is not listed' },
  SY_ERR_RANGE_NOT_SATISFIABLE: { status: 416, title: 'range not satisfiable' },
  SY_ERR_PRECONDITION_FAILED: { status: 412, title: 'precondition failed' },
  SY_ERR_GRPC_TIMEOUT: { status: 400, title: 'grpc-timeout is malformed' },
  SY_ERR_GRPC_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'the grpc upstream does not take this content type' },
  SY_ERR_SHIELD_BLOCKED: { status: 403, title: 'request blocked by a shield rule' },
  SY_ERR_SHIELD_FRAMING: { status: 400, title: 'request framing refused by a shield rule' },
  SY_ERR_CONTRACT_REQUEST: { status: 400, title: 'request does not match the api contract' },

  // --- plugins (rate limiting, authentication) ----------------------------------------------
  SY_ERR_RATE_LIMITED: { status: 429, title: 'too many requests' },
  SY_ERR_RATE_LIMIT_STORE: { status: 503, title: 'rate-limit store unavailable' },
  SY_ERR_JWT_INVALID: { status: 401, title: 'bearer token missing or invalid' },
  SY_ERR_JWT_KEYS_UNAVAILABLE: { status: 503, title: 'token signing keys cannot be loaded' },
  SY_ERR_API_KEY_INVALID: { status: 401, title: 'api key missing or invalid' },
  SY_ERR_BASIC_AUTH_INVALID: { status: 401, title: 'credentials missing or invalid' },
  SY_ERR_IP_FORBIDDEN: { status: 403, title: 'client address is not allowed' },
  SY_ERR_WASM_TRAP: { status: 500, title: 'a wasm filter failed while handling the request' },
  SY_ERR_WASM_TIMEOUT: { status: 500, title: 'a wasm filter overran its time budget' },
  SY_ERR_WASM_UNAVAILABLE: { status: 503, title: 'the wasm filter is not running' },

  // --- upstreams ----------------------------------------------------------------------------
  SY_ERR_UPSTREAM_CONNECT: { status: 502, title: 'cannot connect to the upstream' },
  SY_ERR_UPSTREAM_CONNECT_TIMEOUT: { status: 504, title: 'timed out connecting to the upstream' },
  SY_ERR_UPSTREAM_TIMEOUT: { status: 504, title: 'upstream did not answer in time' },
  SY_ERR_UPSTREAM_RESET: { status: 502, title: 'upstream closed the connection before answering' },
  SY_ERR_UPSTREAM_PROTOCOL: { status: 502, title: 'upstream sent a malformed response' },
  SY_ERR_UPSTREAM_TLS: { status: 502, title: 'TLS with the upstream failed' },
  SY_ERR_UPSTREAM_OVERLOADED: { status: 503, title: 'upstream is saturated and the queue is full' },
  SY_ERR_UPSTREAM_QUEUE_TIMEOUT: { status: 503, title: 'request waited too long for an upstream connection' },
  SY_ERR_UPSTREAM_UNAVAILABLE: { status: 503, title: 'no healthy endpoint of the upstream is available' },
  SY_ERR_UPSTREAM_CIRCUIT_OPEN: { status: 503, title: 'upstream circuit breaker limit reached' },
  SY_ERR_UPSTREAM_HEADERS_TOO_LARGE: { status: 502, title: 'upstream response header exceeds the limit' },
  SY_ERR_FASTCGI_STATUS: { status: 502, title: 'php application sent an invalid status' },
  SY_ERR_FASTCGI_SCRIPT_FORBIDDEN: { status: 403, title: 'script is not allowed to execute' },
  SY_ERR_FASTCGI_APP_ERROR: { status: 500, title: 'php application failed' },
  SY_ERR_UPSTREAM_ERROR: { status: 502, title: 'upstream answered with a server error' },
  SY_ERR_CONTRACT_RESPONSE: { status: 502, title: 'upstream response does not match the api contract' },
  SY_ERR_PHP_FPM_MISSING: { status: 500, title: 'php-fpm is not installed' },
  SY_ERR_PHP_FPM_START: { status: 500, title: 'php-fpm did not start' },

  // --- protobuf governance (switchyard proto) ------------------------------------------------
  SY_ERR_PROTO_COMPILE: { status: 500, title: 'proto files do not compile' },
  SY_ERR_PROTO_COMPILER: { status: 500, title: 'the protobuf compiler cannot be run' },
  SY_ERR_PROTO_NO_FILES: { status: 500, title: 'no proto files found' },
  SY_ERR_PROTO_IMAGE: { status: 500, title: 'descriptor set cannot be read' },
  SY_ERR_PROTO_GIT_REF: { status: 500, title: 'git reference cannot be read' },
  SY_ERR_PROTO_LINT_CONFIG: { status: 500, title: 'proto lint or breaking configuration is invalid' },
  SY_ERR_PROTO_HOOK: { status: 500, title: 'git hook cannot be installed' },

  // --- REST/JSON transcoding to grpc upstreams (the answer's status is grpc-gateway's) -------
  SY_ERR_GRPC_STATUS: { status: 502, title: 'the grpc service answered with an error status' },
  SY_ERR_TRANSCODE_BAD_JSON: { status: 400, title: 'request body does not match the grpc request message' },
  SY_ERR_TRANSCODE_BAD_QUERY: { status: 400, title: 'query parameter does not match the grpc request message' },
  SY_ERR_TRANSCODE_BAD_PATH: { status: 400, title: 'path does not match the grpc request message' },
  SY_ERR_TRANSCODE_BAD_METADATA: { status: 400, title: 'a grpc-metadata header is malformed' },
  SY_ERR_TRANSCODE_NO_BINDING: { status: 404, title: 'no google.api.http binding matches the request' },
  SY_ERR_TRANSCODE_METHOD: { status: 501, title: 'the binding does not take this http method' },
  SY_ERR_TRANSCODE_STREAMING: { status: 501, title: 'client and bidirectional streaming methods are not transcoded' },
  SY_ERR_TRANSCODE_BAD_RESPONSE: { status: 502, title: 'the grpc service sent a message that cannot be decoded' },

  // --- access-log analytics (switchyard logs) ----------------------------------------------
  SY_ERR_LOG_FORMAT: { status: 500, title: 'access-log format is not recognised or not valid' },
  SY_ERR_LOG_FILTER: { status: 500, title: 'access-log filter is not valid' },

  // --- typed contracts (switchyard contract) ---------------------------------------------------
  SY_ERR_CONTRACT_TYPESCRIPT: { status: 500, title: 'typescript source does not type-check' },
  SY_ERR_CONTRACT_TYPE_NOT_FOUND: { status: 500, title: 'no exported type of that name' },
  SY_ERR_CONTRACT_SCHEMA: { status: 500, title: 'type cannot be expressed as a json schema' },
  SY_ERR_CONTRACT_OPENAPI: { status: 500, title: 'openapi document cannot be used' },
  SY_ERR_CONTRACT_HTTP_RULE: { status: 500, title: 'google.api.http binding is invalid' },

  // --- gateway ------------------------------------------------------------------------------
  SY_ERR_INTERNAL: { status: 500, title: 'internal gateway error' },
  SY_ERR_SHUTTING_DOWN: { status: 503, title: 'gateway is shutting down' },

  // --- admin API ----------------------------------------------------------------------------
  SY_ERR_ADMIN_UNAUTHORIZED: { status: 401, title: 'admin token missing or wrong' },
  SY_ERR_ADMIN_FORBIDDEN: { status: 403, title: 'admin token lacks the scope this endpoint needs' },
  SY_ERR_NOT_READY: { status: 503, title: 'gateway is not ready to take traffic' },
  SY_ERR_ADMIN_NOT_FOUND: { status: 404, title: 'no such admin endpoint' },
  SY_ERR_ADMIN_BAD_QUERY: { status: 400, title: 'admin query parameter is invalid' },
  SY_ERR_ADMIN_BAD_BODY: { status: 400, title: 'admin request body is invalid' },
  SY_ERR_RELOAD_REJECTED: { status: 422, title: 'new configuration rejected; the running one keeps serving' },
  SY_ERR_ROLLOUT_NOT_FOUND: { status: 404, title: 'no rollout on a route of that name' },
  SY_ERR_ROLLOUT_CONFLICT: { status: 409, title: 'the rollout cannot take that action in its state' },
  SY_ERR_ROLLOUT_STORE: { status: 503, title: 'the rollout state store cannot be reached' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof catalogue;

/**
 * One hop of an error chain (SPEC section 5), outermost first: a small problem object. `source`
 * names the hop (`php`, `grpc`, `http`, `gateway`); what else the hop knows (a PHP fatal's `file`
 * and `line`, a gRPC status's `details`) rides along as further members.
 */
export interface ChainLink {
  readonly source: string;
  readonly type?: string;
  readonly title?: string;
  readonly code?: string;
  readonly status?: number;
  readonly detail: string;
  readonly [member: string]: unknown;
}

/** An error from the catalogue with a lowercase, contextual detail and optional causes. */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly chain: readonly ChainLink[];
  /** Extra problem+json members (e.g. `allow` for 405) and response headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra problem+json members (the shield's `rule` and `category`, grpc-gateway's `code`, `message`, `details`). */
  readonly members: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { cause?: unknown; chain?: readonly ChainLink[]; headers?: Record<string, string>; members?: Record<string, unknown>; status?: number } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    const def: ErrorDefinition = catalogue[code];
    this.name = 'SwitchyardError';
    this.code = code;
    // `status`: an upstream's own 5xx kept (SY_ERR_UPSTREAM_ERROR), else the catalogue's.
    this.status = options.status ?? def.status;
    this.title = def.title;
    this.chain = options.chain ?? [];
    this.headers = options.headers ?? {};
    this.members = options.members ?? {};
  }
}

export function isSwitchyardError(err: unknown): err is SwitchyardError {
  return err instanceof SwitchyardError;
}
