/**
 * The V8 flags gateway workers start with. A proxied request leaves a few kilobytes of
 * short-lived objects behind (headers, the exchange, undici's request state); with V8's default
 * 16 MB semi-space, the young generation is scavenged hundreds of times a second under load.
 * 64 MB cut bench/proxy's CPU per request by about a fifth (59 -> 44 µs, the proxy bench's
 * config run with and without it); a busy worker's resident memory stayed at ~150 MB either way.
 * A user who sets the semi-space size in NODE_OPTIONS or on node's command line keeps theirs.
 *
 * `serve --workers 1` does not get it: that gateway runs in the CLI's own process, whose heap V8
 * sized when node started. v8.setFlagsFromString('--max-semi-space-size=64') at run time leaves
 * the young generation as it was (measured: 32 MB after the same allocations, 128 MB with the
 * flag on node's command line), and re-executing the CLI would make the single-process gateway
 * two processes. docs/resilience.md says to pass it in NODE_OPTIONS there.
 */
const SEMI_SPACE_FLAG = '--max-semi-space-size';
const SEMI_SPACE_MB = 64;

export function workerExecArgv(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const chosen = [...execArgv, ...(env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((arg) => arg.startsWith(SEMI_SPACE_FLAG));
  return chosen ? [...execArgv] : [...execArgv, `${SEMI_SPACE_FLAG}=${SEMI_SPACE_MB}`];
}
