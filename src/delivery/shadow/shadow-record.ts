/**
 * What one route's shadow has found, in this process: comparisons, mismatches, the copies that
 * gave no data and why, per-field counts, and the newest mismatch samples (masked). It also
 * decides which differences are noise, as Diffy does: a field that differs (itself or a field
 * above it) between two answers of the baseline itself (the second baseline sample, taken when the target differed) is noise
 * for that request; so is a field whose baseline-to-baseline differences are at least half as
 * many as its baseline-to-target ones (a clock with one-second resolution differs in only some
 * samples, not always in the same ones as the target).
 */
import type { ShadowCompareConfig } from '../../config/types.js';
import type { Difference } from './json-diff.js';
import { childPointer, isAtOrBelow } from './json-pointer.js';
import { MAX_SAMPLES, sortFields, type ShadowNoData, type ShadowRouteView, type ShadowSample } from './shadow-view.js';

/** Distinct fields tracked per route; differences in fields past it still count as mismatches. */
const MAX_FIELDS = 256;
/** Differences shown per sample, and how long a shown value may be once serialized. */
const SAMPLE_DIFFERENCES = 10;
const SAMPLE_VALUE_CHARS = 200;

interface FieldCounts {
  /** Comparisons with a second baseline sample in which the field differed baseline-to-target. */
  differed: number;
  mismatched: number;
  noise: number;
}

/** A field is known noise once seen this often baseline-to-baseline (and in at least half its differences). */
const KNOWN_NOISE = 8;
/** Of the requests whose differences are all known noise, one in this many still gets a second sample. */
const REFRESH_EVERY = 16;

export interface RequestFacts {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
}

export class ShadowRecord {
  compared = 0;
  mismatched = 0;
  readonly noData: { -readonly [K in keyof ShadowNoData]: number } = { timeout: 0, failed: 0, tooLarge: 0, overCapacity: 0, busy: 0 };
  readonly #fields = new Map<string, FieldCounts>();
  #samples: ShadowSample[] = [];
  #skippedSamples = 0;

  /**
   * Whether these differences need a second baseline sample to be judged: not when every one is
   * in a field already known to be noise, except one time in REFRESH_EVERY, which keeps what is
   * known current. A noisy baseline then costs the application one extra request in sixteen
   * rather than one for each.
   */
  wantsNoiseSample(differences: readonly Difference[]): boolean {
    const known = differences.every((d) => {
      const field = this.#fields.get(d.pointer);
      return field !== undefined && field.noise >= KNOWN_NOISE && 2 * field.noise >= field.differed;
    });
    if (!known) return true;
    this.#skippedSamples = (this.#skippedSamples + 1) % REFRESH_EVERY;
    return this.#skippedSamples === 0;
  }

  /**
   * One comparison: `differences` between baseline and target, `noise` between the baseline and
   * its second sample (undefined when none was taken: the target agreed, or the method is not
   * safe to send twice). Returns whether it counted as a mismatch.
   */
  record(request: RequestFacts, differences: readonly Difference[], noise: readonly Difference[] | undefined, mask: ShadowCompareConfig['mask']): boolean {
    this.compared++;
    for (const n of noise ?? []) {
      const field = this.#field(n.pointer);
      if (field !== undefined) field.noise++;
    }
    const real: Difference[] = [];
    for (const d of differences) {
      const field = this.#field(d.pointer);
      if (field !== undefined && noise !== undefined) field.differed++;
      const noisyHere = noise?.some((n) => isAtOrBelow(d.pointer, n.pointer)) ?? false;
      const noisyUsually = field !== undefined && field.noise > 0 && 2 * field.noise >= field.differed;
      if (noisyHere || noisyUsually) continue;
      real.push(d);
      if (field !== undefined) field.mismatched++;
    }
    if (real.length === 0) return false;
    this.mismatched++;
    this.#samples.push({ time: new Date().toISOString(), ...request, differences: real.slice(0, SAMPLE_DIFFERENCES).map((d) => shown(d, mask)) });
    if (this.#samples.length > MAX_SAMPLES) this.#samples = this.#samples.slice(-MAX_SAMPLES);
    return true;
  }

  view(route: string, target: string): ShadowRouteView {
    return {
      route,
      target,
      compared: this.compared,
      mismatched: this.mismatched,
      mismatchRate: this.compared === 0 ? 0 : this.mismatched / this.compared,
      noData: { ...this.noData },
      fields: sortFields([...this.#fields].filter(([, f]) => f.mismatched > 0 || f.noise > 0).map(([pointer, f]) => ({ pointer, mismatched: f.mismatched, noise: f.noise }))),
      samples: [...this.#samples],
    };
  }

  #field(pointer: string): FieldCounts | undefined {
    let field = this.#fields.get(pointer);
    if (field === undefined && this.#fields.size < MAX_FIELDS) {
      field = { differed: 0, mismatched: 0, noise: 0 };
      this.#fields.set(pointer, field);
    }
    return field;
  }
}

function shown(d: Difference, mask: readonly string[]): ShadowSample['differences'][number] {
  const bodyField = d.pointer === '' || d.pointer.startsWith('/');
  const side = (value: unknown) => (bodyField ? clip(masked(value, d.pointer, mask)) : value);
  return { pointer: d.pointer, ...(d.baseline === undefined ? {} : { baseline: side(d.baseline) }), ...(d.target === undefined ? {} : { target: side(d.target) }) };
}

/** `value` (found at `pointer`) with everything at or below a mask pointer replaced by ***. */
function masked(value: unknown, pointer: string, mask: readonly string[]): unknown {
  if (mask.some((m) => isAtOrBelow(pointer, m))) return '***';
  if (!mask.some((m) => isAtOrBelow(m, pointer))) return value;
  if (Array.isArray(value)) return value.map((v, i) => masked(v, childPointer(pointer, i), mask));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, childPointer(pointer, k), mask)]));
  // A text where a masked field lies below: the start of a body that is not JSON, unsafe to show.
  return typeof value === 'string' ? '***' : value;
}

/** Long values are shown as the start of their JSON text. */
function clip(value: unknown): unknown {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined || text.length <= SAMPLE_VALUE_CHARS) return value;
  return `${text.slice(0, SAMPLE_VALUE_CHARS)}…`;
}
