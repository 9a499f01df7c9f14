/**
 * What the script resolver learns from the file system, kept for a short while as nginx's
 * `open_file_cache` keeps it: for each path, whether it exists and what it is (its stat), or the
 * error the stat gave (as `open_file_cache_errors on`: a missing file is a miss again next time
 * without a system call). A synchronous stat on every request was the third largest item of the
 * per-request profile; the front controller pattern stats up to three paths per request.
 *
 * An entry is trusted for `valid` ms (default 1 s, nginx's `open_file_cache_valid` is 60 s) from
 * the stat that made it, so a script that is deployed or removed is seen within that time. At
 * most `max` entries are held (request paths are the client's to choose); past that, the oldest
 * entry makes room.
 */
import { statSync, type Stats } from 'node:fs';

export interface FileInfoCacheOptions {
  /** Entries held at most (nginx's `open_file_cache max=`). */
  readonly max: number;
  /** Milliseconds an entry is trusted; 0 stats every time. */
  readonly valid: number;
}

export const FILE_INFO_CACHE_DEFAULTS: FileInfoCacheOptions = { max: 1024, valid: 1000 };

interface Entry {
  /** undefined: nothing there (ENOENT, or ENOTDIR for a path through a file). */
  readonly stats: Stats | undefined;
  /** Any other failure (EACCES...), thrown again while the entry is valid. */
  readonly error: unknown;
  /** performance.now() after which the entry is stale. */
  readonly until: number;
}

export class FileInfoCache {
  readonly #opts: FileInfoCacheOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(opts: FileInfoCacheOptions = FILE_INFO_CACHE_DEFAULTS) {
    this.#opts = opts;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The stat of `file`, or undefined when nothing is there; cached for `valid` ms. */
  stat(file: string): Stats | undefined {
    const now = performance.now();
    const cached = this.#entries.get(file);
    if (cached !== undefined && now < cached.until) {
      if (cached.error !== undefined) throw cached.error;
      return cached.stats;
    }
    return this.#refresh(file, now);
  }

  /** Stats `file` now, whatever is cached, and keeps what it found. */
  fresh(file: string): Stats | undefined {
    return this.#refresh(file, performance.now());
  }

  #refresh(file: string, now: number): Stats | undefined {
    let stats: Stats | undefined;
    let error: unknown;
    try {
      // Synchronous on purpose, as nginx's own stat is: a metadata lookup on a local disk takes
      // microseconds, while the thread-pool round trip of fs/promises cost more than the call.
      stats = statSync(file, { throwIfNoEntry: false });
    } catch (err) {
      error = err;
    }
    if (this.#opts.valid > 0) {
      // Re-inserted, so that the Map's order stays oldest first.
      this.#entries.delete(file);
      if (this.#entries.size >= this.#opts.max) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(file, { stats, error, until: now + this.#opts.valid });
    }
    if (error !== undefined) throw error;
    return stats;
  }
}
