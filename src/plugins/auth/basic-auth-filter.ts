/**
 * `type: basicAuth`: HTTP Basic credentials (RFC 7617) checked against an htpasswd file of bcrypt
 * hashes, read and checked when the config loads.
 *
 *   middleware:
 *     staff: { type: basicAuth, file: ./staff.htpasswd, realm: staff }
 *
 * bcrypt costs tens of ms by design, too much for every request of a logged-in browser, so a pair
 * that verified is remembered for CACHE_MS (by a SHA-256 of user and password, never the password
 * itself); a wrong pair is checked every time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Filter, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { SwitchyardError } from '../../errors.js';
import { parseHtpasswd } from './htpasswd.js';

export interface BasicAuthOptions {
  file: string;
  realm?: string;
}

export const DEFAULTS = { realm: 'switchyard' } as const;
const CACHE_MS = 30_000;
/** bcryptjs, loaded by the first credentials checked: a worker without `basicAuth` never loads it. */
let bcryptjs: Promise<typeof import('bcryptjs')> | undefined;
/** An unknown user costs one bcrypt too (against this hash of a fixed password, cost 10), so timing does not tell which users exist. */
const STRANGER = '$2b$10$XWCOtXHhlDlxBeRHXHopwOmIkZlzV.T2XIn0Hhk4Ufm.EcNBHUvYO';
const CACHE_MAX = 10_000;
const schemaCheck = optionsChecker({ required: ['file'], properties: { file: { type: 'string', minLength: 1 }, realm: { type: 'string', pattern: '^[^"\\\\]*$' } } });

export const basicAuthFilter = {
  type: 'basicAuth',
  check(options, context) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const file = resolve(context.configDir, (options as unknown as BasicAuthOptions).file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return [{ segments: ['file'], message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }];
    }
    return parseHtpasswd(text, file).problems.map((message): FilterProblem => ({ segments: ['file'], message }));
  },
  create(options, context): Filter {
    const file = resolve(context.configDir, options.file);
    const { users } = parseHtpasswd(readFileSync(file, 'utf8'), file);
    const challenge = { 'www-authenticate': `Basic realm="${options.realm ?? DEFAULTS.realm}", charset="UTF-8"` };
    const refuse = (detail: string) => new SwitchyardError('SY_ERR_BASIC_AUTH_INVALID', detail, { headers: challenge });
    const verified = new Map<string, number>();
    return async (exchange, next) => {
      const header = exchange.req.headers.authorization;
      if (header === undefined || !/^basic /i.test(header)) throw refuse('no basic credentials in the Authorization header');
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw refuse('the basic credentials are not user:password');
      const user = decoded.slice(0, colon);
      const hash = users.get(user);
      const key = createHash('sha256').update(decoded).digest('base64');
      const now = Date.now();
      const until = verified.get(key);
      if (hash !== undefined && until !== undefined && until > now) return next();
      const { default: bcrypt } = await (bcryptjs ??= import('bcryptjs'));
      const matches = await bcrypt.compare(decoded.slice(colon + 1), hash ?? STRANGER);
      if (hash === undefined || !matches) throw refuse(`wrong user or password for '${user}'`);
      if (verified.size >= CACHE_MAX) for (const [k, t] of verified) if (t <= now) verified.delete(k);
      if (verified.size < CACHE_MAX) verified.set(key, now + CACHE_MS);
      return next();
    };
  },
} satisfies FilterFactory<BasicAuthOptions>;
