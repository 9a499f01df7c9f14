/** Listen and upstream addresses as written in config: `host:port`, `:port`, `[::1]:port`, `unix:/path`. */
import type { ListenAddress } from './types.js';

export function parseAddress(value: string | number): ListenAddress | undefined {
  if (typeof value === 'number') return validPort(value) ? { kind: 'tcp', host: '0.0.0.0', port: value } : undefined;
  if (value.startsWith('unix:')) {
    const path = value.slice(5);
    return path.startsWith('/') ? { kind: 'unix', path } : undefined;
  }
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]*)):(\d{1,5})$/.exec(value);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (!validPort(port)) return undefined;
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '0.0.0.0' : m[2]);
  return { kind: 'tcp', host, port };
}

export function formatAddress(a: ListenAddress): string {
  return a.kind === 'unix' ? `unix:${a.path}` : `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535;
}
