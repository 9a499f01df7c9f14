/**
 * The public shapes of the router: what a caller registers (RouteDefinition) and what a lookup
 * answers (RouteLookup). Kept apart from the implementation so the package's `switchyard/router`
 * entry point exposes a small, stable surface.
 */
import type { HttpMethod } from '../config/types.js';

export type { HttpMethod };

export interface RouteDefinition<T> {
  /** Methods answered by this route; `any` is expanded by the caller. GET also answers HEAD. */
  readonly methods: readonly HttpMethod[];
  /** Laravel syntax with prefixes applied: `/api/v1/user/{id?}`, `/files/{path}`, `/p/{id:\d+}`. */
  readonly path: string;
  /** Constraints by parameter name, anchored to the whole parameter: `{ id: '\\d+', path: '.*' }`. */
  readonly where?: Readonly<Record<string, string>> | undefined;
  /** Name for URL generation (`user.show`); unique across the router. */
  readonly name?: string | undefined;
  /** Whatever the caller attaches; returned by a matching lookup. */
  readonly value: T;
  /** Where the route was defined (`routes[3]`), quoted in error messages. */
  readonly at?: string | undefined;
}

export type RouteLookup<T> =
  /** `params` are percent-decoded; an absent optional parameter is absent from the object. */
  | { readonly kind: 'found'; readonly value: T; readonly params: Record<string, string> }
  /** The path exists for other methods; `allow` is the 405 `Allow` list (RFC 9110 §15.5.6). */
  | { readonly kind: 'method-not-allowed'; readonly allow: string[] }
  | { readonly kind: 'not-found' }
  /** The request target cannot be decoded (bad percent-encoding, unparsable absolute form). */
  | { readonly kind: 'bad-request'; readonly detail: string };

export interface RouterOptions {
  /** Match static segments case-sensitively, as Laravel does. Default true. */
  readonly caseSensitive?: boolean | undefined;
  /** `/user/` matches `/user` (Laravel trims the trailing slash). Default true. */
  readonly ignoreTrailingSlash?: boolean | undefined;
  /** Longest value, in characters, of a one-segment parameter; longer ones do not match. Default 1024. */
  readonly maxParamLength?: number | undefined;
}

/** Option defaults in one place (STYLE: every option documents its default). */
export const routerDefaults = {
  caseSensitive: true,
  ignoreTrailingSlash: true,
  maxParamLength: 1024,
} as const satisfies { [K in keyof RouterOptions]-?: NonNullable<RouterOptions[K]> };
