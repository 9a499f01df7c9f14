/**
 * `state.store: file:DIR`: one gateway's rollouts in a directory, surviving restarts. Several
 * worker processes share it: each writes its own samples file per window (`<route>.samples.<epoch>.<process>.json`,
 * replaced whole by rename, so a reader never sees half of one) and the judge sums them; a
 * restarted process's files still count. The record and the lease are changed under a lock file
 * made with O_EXCL (a holder that died is assumed after LOCK_STALE_MS).
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SwitchyardError } from '../../errors.js';
import type { RolloutRecord } from '../rollout/rollout-state.js';
import { emptySamples, mergeSamples, type StepSamples } from '../rollout/samples.js';
import type { RolloutStore } from './store.js';

const LOCK_STALE_MS = 5_000;
const LOCK_WAIT_MS = 3_000;

export async function openFileStore(dir: string): Promise<RolloutStore> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `cannot create the state directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return new FileStore(dir);
}

class FileStore implements RolloutStore {
  readonly #dir: string;
  readonly #process = `${process.pid}-${randomBytes(4).toString('hex')}`;
  /** This process's samples per route and window, written whole each time. */
  readonly #mine = new Map<string, { epoch: number; samples: StepSamples }>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  #file(route: string, suffix: string): string {
    return join(this.#dir, `${encodeURIComponent(route)}.${suffix}`);
  }

  async read(route: string): Promise<RolloutRecord | undefined> {
    return readJson<RolloutRecord>(this.#file(route, 'json'));
  }

  async update(route: string, change: (current: RolloutRecord | undefined) => RolloutRecord | undefined): Promise<RolloutRecord | undefined> {
    return this.#locked(route, async () => {
      const current = await this.read(route);
      const next = change(current);
      if (next === undefined) return current;
      await writeWhole(this.#file(route, 'json'), next);
      return next;
    });
  }

  async addSamples(route: string, epoch: number, delta: Readonly<StepSamples>): Promise<void> {
    let mine = this.#mine.get(route);
    if (mine === undefined || mine.epoch !== epoch) {
      if (mine !== undefined) await rm(this.#file(route, `samples.${mine.epoch}.${this.#process}.json`), { force: true });
      mine = { epoch, samples: emptySamples() };
      this.#mine.set(route, mine);
    }
    mergeSamples(mine.samples, delta);
    await writeWhole(this.#file(route, `samples.${epoch}.${this.#process}.json`), mine.samples);
  }

  async samples(route: string, epoch: number): Promise<StepSamples> {
    const prefix = `${encodeURIComponent(route)}.samples.`;
    const total = emptySamples();
    for (const name of await readdir(this.#dir)) {
      if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
      const windowOf = Number(name.slice(prefix.length).split('.')[0]);
      if (windowOf === epoch) {
        const found = await readJson<StepSamples>(join(this.#dir, name));
        if (found !== undefined) mergeSamples(total, found);
      } else if (windowOf < epoch) {
        // A window that ended: nobody reads it again.
        await rm(join(this.#dir, name), { force: true });
      }
    }
    return total;
  }

  async lease(route: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#locked(route, async () => {
      const file = this.#file(route, 'lease.json');
      const held = await readJson<{ owner: string; until: number }>(file);
      const now = Date.now();
      if (held !== undefined && held.owner !== owner && held.until > now) return false;
      await writeWhole(file, { owner, until: now + ttlMs });
      return true;
    });
  }

  async close(): Promise<void> {}

  async #locked<T>(route: string, body: () => Promise<T>): Promise<T> {
    const lock = this.#file(route, 'lock');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `cannot lock ${lock}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > LOCK_STALE_MS) await rm(lock, { force: true });
        else if (Date.now() > deadline) throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `${lock} stayed locked for ${LOCK_WAIT_MS} ms`);
        else await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
      }
    }
    try {
      return await body();
    } finally {
      await rm(lock, { force: true });
    }
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SwitchyardError('SY_ERR_ROLLOUT_STORE', `cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Written to a temporary name and renamed over the file: readers see the old or the new whole. */
async function writeWhole(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, file);
}
