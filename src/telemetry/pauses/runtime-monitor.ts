/**
 * Watches the gateway's own runtime: every GC pause (perf_hooks 'gc' entries) and the event
 * loop's delay, sampled by a timer that measures how late it fires (the method Node's
 * monitorEventLoopDelay uses, at a coarser resolution so the delay of each tick is ours to
 * keep). Pauses and stalls go on the timeline; every sample goes to the metrics histograms.
 */
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { nowMs, type PauseTimeline } from './pause-timeline.js';

/** A tick this much later than due is a stall worth lining up against slow requests. */
const STALL_MS = 20;
const TICK_MS = 10;
/** GC pauses shorter than this are counted in metrics but kept off the timeline. */
const TIMELINE_GC_MS = 2;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export interface RuntimeSamples {
  gcPause(kind: string, seconds: number): void;
  loopDelay(seconds: number): void;
}

export function monitorRuntime(timeline: PauseTimeline, samples: RuntimeSamples): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      samples.gcPause(kind, entry.duration / 1000);
      if (entry.duration >= TIMELINE_GC_MS) {
        const start = performance.timeOrigin + entry.startTime;
        timeline.add({ kind: 'gc', start, end: start + entry.duration, source: 'gateway', detail: `${kind} gc ${entry.duration.toFixed(1)} ms` });
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  let due = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - due);
    due = now + TICK_MS;
    samples.loopDelay(late / 1000);
    if (late >= STALL_MS) {
      const end = nowMs();
      timeline.add({ kind: 'event-loop-stall', start: end - late, end, source: 'gateway', detail: `event loop blocked ${late.toFixed(0)} ms` });
    }
  }, TICK_MS);
  timer.unref();
  return () => {
    observer.disconnect();
    clearInterval(timer);
  };
}
