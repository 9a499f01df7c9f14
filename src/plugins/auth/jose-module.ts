/**
 * jose, loaded the first time a token is verified or signed: a worker whose config names no
 * `jwt` or `phpSession` middleware never pays for it (it is several MB of a worker's memory).
 */
let loading: Promise<typeof import('jose')> | undefined;

export function loadJose(): Promise<typeof import('jose')> {
  return (loading ??= import('jose'));
}
