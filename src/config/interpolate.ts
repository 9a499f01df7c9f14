/**
 * `${NAME}` and `${NAME:-default}` in string values, replaced from the environment before the
 * schema sees the document (as docker compose does). `$${` escapes a literal `${`.
 */

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Interpolation {
  value: string;
  /** Names referenced without a default and not set. */
  missing: string[];
}

export function interpolate(text: string, env: NodeJS.ProcessEnv): Interpolation {
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (_match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { value, missing };
}
