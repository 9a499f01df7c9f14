/**
 * Reads an htpasswd file (`user:hash` per line, `#` comments) as Apache's htpasswd -B writes it.
 * Only bcrypt hashes (`$2y$`, `$2b$`, `$2a$`) are accepted: the older MD5-crypt, SHA-1 and crypt
 * forms are weak, and a line using one is reported with its number rather than skipped.
 */
export interface HtpasswdResult {
  readonly users: ReadonlyMap<string, string>;
  readonly problems: readonly string[];
}

const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

export function parseHtpasswd(text: string, file: string): HtpasswdResult {
  const users = new Map<string, string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const where = `${file}:${i + 1}`;
    if (colon <= 0) {
      problems.push(`${where}: not a user:hash line`);
      return;
    }
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (!BCRYPT.test(hash)) {
      problems.push(`${where}: user '${user}' has no bcrypt hash (htpasswd -B writes one)`);
      return;
    }
    if (users.has(user)) problems.push(`${where}: user '${user}' is listed twice`);
    // bcryptjs reads the $2b$ form; $2y$ (PHP, Apache) and $2a$ hash the same way.
    users.set(user, `$2b$${hash.slice(4)}`);
  });
  if (users.size === 0 && problems.length === 0) problems.push(`${file}: lists no users`);
  return { users, problems };
}
