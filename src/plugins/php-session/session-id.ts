/**
 * The session id from the request's cookie, accepted only in the form PHP itself accepts
 * (php_session_valid_key in ext/session/session.c: characters a-z A-Z 0-9 `,` `-`, at most 256):
 * the id becomes part of a file name or a Redis key, so `../`, NUL and oversized values are
 * refused before any lookup.
 */
export const SESSION_ID = /^[A-Za-z0-9,-]{1,256}$/;

export type SessionIdResult = { readonly id: string } | { readonly refused: string } | undefined;

/** The first `name` cookie (PHP fills $_COOKIE from the first of duplicates), checked. */
export function sessionIdFrom(cookieHeader: string | undefined, name: string): SessionIdResult {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const raw = pair.slice(eq + 1).trim();
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return { refused: 'the cookie value is not valid percent-encoding' };
    }
    if (SESSION_ID.test(value)) return { id: value };
    if (value.length > 256) return { refused: `the session id is ${value.length} characters long (PHP accepts at most 256)` };
    return { refused: `the session id holds characters PHP never uses in one (${JSON.stringify(value.slice(0, 40))})` };
  }
  return undefined;
}
