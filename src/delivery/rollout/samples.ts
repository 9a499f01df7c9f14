/**
 * What a rollout step has seen, as counters that add up across worker processes and instances:
 * per side the responses, the 5xx among them and a latency histogram; and the shadow's
 * comparisons. Requests forced to a side by `X-Switchyard-Canary` are not samples (they are not
 * a random share of traffic).
 */
import { addTo, mergeInto, type Histogram } from './latency-histogram.js';

export interface SideSamples {
  n: number;
  errors: number;
  latency: Histogram;
}

export interface StepSamples {
  canary: SideSamples;
  baseline: SideSamples;
  shadow: { compared: number; mismatched: number };
}

export function emptySamples(): StepSamples {
  return { canary: emptySide(), baseline: emptySide(), shadow: { compared: 0, mismatched: 0 } };
}

function emptySide(): SideSamples {
  return { n: 0, errors: 0, latency: {} };
}

export function recordResponse(samples: StepSamples, canary: boolean, status: number, ms: number): void {
  const side = canary ? samples.canary : samples.baseline;
  side.n++;
  if (status >= 500) side.errors++;
  addTo(side.latency, ms);
}

export function mergeSamples(into: StepSamples, from: Readonly<StepSamples>): void {
  for (const key of ['canary', 'baseline'] as const) {
    into[key].n += from[key].n;
    into[key].errors += from[key].errors;
    mergeInto(into[key].latency, from[key].latency);
  }
  into.shadow.compared += from.shadow.compared;
  into.shadow.mismatched += from.shadow.mismatched;
}

export function isEmpty(samples: Readonly<StepSamples>): boolean {
  return samples.canary.n === 0 && samples.baseline.n === 0 && samples.shadow.compared === 0;
}

/**
 * Flat counter names for a store that keeps a hash of integers (Redis HINCRBY):
 * `c.n`, `c.e`, `c.h.<bucket>`, `b.*` for the baseline, `s.c` / `s.m` for the shadow.
 */
export function toCounters(samples: Readonly<StepSamples>): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number) => v !== 0 && (out[k] = v);
  for (const [key, prefix] of [['canary', 'c'], ['baseline', 'b']] as const) {
    put(`${prefix}.n`, samples[key].n);
    put(`${prefix}.e`, samples[key].errors);
    for (const [b, c] of Object.entries(samples[key].latency)) put(`${prefix}.h.${b}`, c);
  }
  put('s.c', samples.shadow.compared);
  put('s.m', samples.shadow.mismatched);
  return out;
}

export function fromCounters(counters: Readonly<Record<string, string | number>>): StepSamples {
  const samples = emptySamples();
  for (const [name, raw] of Object.entries(counters)) {
    const value = Number(raw);
    const [prefix, field, bucket] = name.split('.');
    if (prefix === 's') {
      if (field === 'c') samples.shadow.compared = value;
      else if (field === 'm') samples.shadow.mismatched = value;
      continue;
    }
    const side = prefix === 'c' ? samples.canary : prefix === 'b' ? samples.baseline : undefined;
    if (side === undefined) continue;
    if (field === 'n') side.n = value;
    else if (field === 'e') side.errors = value;
    else if (field === 'h' && bucket !== undefined) side.latency[Number(bucket)] = value;
  }
  return samples;
}
