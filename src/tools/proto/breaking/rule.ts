/**
 * The contract every breaking rule satisfies: buf's ID and categories, and a check comparing
 * the previous image with the current one. Findings sit in the current file at a descriptor
 * path; `path` undefined means the file's start, `file` undefined means the file is gone.
 */
import type { ProtoFile } from '../../../proto/proto-file.js';
import type { ImageIndex } from './image-index.js';

export interface BreakingRuleContext {
  readonly previous: ImageIndex;
  readonly current: ImageIndex;
  report(file: ProtoFile | undefined, path: readonly number[] | undefined, message: string, previousFile?: ProtoFile): void;
}

export interface BreakingRule {
  readonly id: string;
  readonly categories: readonly string[];
  check(ctx: BreakingRuleContext): void;
}

/** Calls `fn` for every key present on both sides, with the element now and as it was (buf's pairs). */
export function forPairs<K, E>(previous: ReadonlyMap<K, E>, current: ReadonlyMap<K, E>, fn: (now: E, before: E) => void): void {
  for (const [key, before] of previous) {
    const now = current.get(key);
    if (now !== undefined) fn(now, before);
  }
}

// buf's category sets; every rule is in the CSR category too when it is in FILE and PACKAGE.
export const FILE_ONLY = ['FILE'] as const;
export const FILE_CSR = ['CSR', 'FILE'] as const;
export const FILE_PACKAGE = ['FILE', 'PACKAGE'] as const;
export const CSR_FILE_PACKAGE = ['CSR', 'FILE', 'PACKAGE'] as const;
export const WIRE_JSON_AND_UP = ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'] as const;
export const WIRE_AND_UP = ['CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'] as const;
export const PACKAGE_ONLY = ['PACKAGE'] as const;
