/**
 * Turns a request path into a route pattern in Switchyard's (Laravel's) syntax by the shape of
 * each segment: `/user/123` -> `/user/{id}`, UUIDs, long hex hashes, dates and opaque tokens
 * likewise. Values with no telltale shape (slugs, names) are left to `collapse-routes.ts`, which
 * judges them by how many siblings they have. Absolute-form targets lose scheme and host first.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)[0-9a-f]{16,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER_WITH_EXT = /^(\d+)(\.[A-Za-z0-9]{1,8})$/;
/** base64url/opaque ids: long, mixing letters and digits (session ids, share links)... */
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{22,}$/;
/** ...but not a slug of lowercase words (`logstash-monitorama-2013`), which is a page name. */
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)+$/;

function allDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return to > from;
}

/** The parameter a segment stands for (`id`, `uuid`...) and any literal suffix (`.json`). */
function segmentKind(segment: string): [kind: string, suffix: string] | undefined {
  const first = segment.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    if (allDigits(segment, 0, segment.length)) return ['id', ''];
    if (DATE.test(segment)) return ['date', ''];
    const ext = NUMBER_WITH_EXT.exec(segment);
    if (ext !== null) return ['id', ext[2] ?? ''];
  }
  if (segment.length >= 16) {
    if (UUID.test(segment)) return ['uuid', ''];
    if (HEX.test(segment)) return ['hash', ''];
    if (TOKEN.test(segment) && !SLUG.test(segment)) return ['token', ''];
  }
  return undefined;
}

/** Strips `http://host` from an absolute-form target (RFC 9112 §3.2.2: proxies receive these). */
function pathOf(target: string): string {
  if (target.startsWith('http://') || target.startsWith('https://')) {
    const slash = target.indexOf('/', target.indexOf('//') + 2);
    return slash === -1 ? '/' : target.slice(slash);
  }
  return target;
}

/** Runs once per distinct path, so it names parameters as it goes rather than in a second pass. */
export function routePattern(path: string): string {
  const p = pathOf(path);
  const segments = p.split('/');
  let seen: Map<string, number> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const kind = segmentKind(segments[i] as string);
    if (kind === undefined) continue;
    const n = ((seen ??= new Map()).get(kind[0]) ?? 0) + 1;
    seen.set(kind[0], n);
    segments[i] = `{${kind[0]}${n === 1 ? '' : n}}${kind[1]}`;
  }
  return seen === undefined ? p : segments.join('/');
}

/** Laravel needs distinct parameter names: the second `{id}` becomes `{id2}`, and so on. */
export function uniqueNames(pattern: string): string {
  if (pattern.indexOf('{') === pattern.lastIndexOf('{')) return pattern; // at most one parameter
  const seen = new Map<string, number>();
  return pattern.replace(/\{([a-z]+)\}/g, (_, name: string) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? `{${name}}` : `{${name}${n}}`;
  });
}

/**
 * A byte string that is the same for two paths exactly when they differ only in segments made of
 * digits alone, written into `out` (at least 2 x the path's length); returns its length. Such
 * segments always become `{id}` and every other segment is judged by its own text, so paths of
 * one shape have one route pattern: a scan computes `routePattern` once per shape (`/user/{id}`)
 * instead of once per distinct path (every `/user/123`). A digit segment is written as byte 0;
 * bytes 0 and 1 of the path are escaped behind a 1 so that no path can pass for another's shape.
 */
export function pathShape(buf: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  let segment = start;
  for (let i = start; i <= end; i++) {
    if (i < end && buf[i] !== 47) continue;
    let digits = i > segment;
    for (let k = segment; digits && k < i; k++) digits = (buf[k] as number) >= 48 && (buf[k] as number) <= 57;
    if (digits) out[n++] = 0;
    else {
      for (let k = segment; k < i; k++) {
        const c = buf[k] as number;
        if (c <= 1) {
          out[n++] = 1;
          out[n++] = c + 2;
        } else out[n++] = c;
      }
    }
    if (i < end) out[n++] = 47;
    segment = i + 1;
  }
  return n;
}
