/**
 * A rollout's state as the store keeps it, and every transition as a pure function of it: the
 * analysis's (hold, advance, promote, rollback, pause) and the operator's (pause, resume,
 * promote, abort, undo). Each transition records a decision (SPEC section 6) and bumps `epoch`,
 * which names the sample window: samples are counted per epoch, so a new step, a resume or an
 * undo starts judging on fresh evidence.
 */
import { createHash } from 'node:crypto';
import type { RolloutConfig } from '../../config/types.js';
import type { CheckOutcome } from './checks.js';

export type RolloutPhase = 'progressing' | 'paused' | 'promoted' | 'rolled-back' | 'aborted';
export type DecisionAction = 'hold' | 'advance' | 'promote' | 'rollback' | 'pause' | 'resume' | 'abort' | 'undo';
export type OperatorAction = 'pause' | 'resume' | 'promote' | 'abort' | 'undo';

export interface Decision {
  /** ISO 8601. */
  readonly time: string;
  readonly step: number;
  /** The check's metric; null for an operator's action. */
  readonly metric: string | null;
  readonly canary: number | null;
  readonly baseline: number | null;
  readonly threshold: number | null;
  readonly verdict: 'pass' | 'fail' | 'inconclusive' | null;
  readonly action: DecisionAction;
  readonly by: 'analysis' | 'operator';
  /** Why, when the numbers do not say it (a Prometheus error, a promotion skipping steps). */
  readonly detail?: string;
}

export interface RolloutRecord {
  /** Of the canary and steps: a config that changes them starts a new rollout. */
  readonly fingerprint: string;
  readonly state: RolloutPhase;
  readonly step: number;
  readonly weight: number;
  readonly epoch: number;
  /** When the current step (epoch) started, ms since 1970. */
  readonly since: number;
  readonly decisions: readonly Decision[];
  /** What each transition replaced, newest last: what `undo` goes back to. */
  readonly history: readonly { readonly state: RolloutPhase; readonly step: number; readonly weight: number }[];
}

/** Decisions kept per rollout; at a 10 s interval with 4 checks, ~20 min of holds. */
export const KEEP_DECISIONS = 500;
const KEEP_HISTORY = 50;

export function fingerprint(config: RolloutConfig): string {
  return createHash('sha256').update(JSON.stringify({ canary: config.canary, steps: config.steps })).digest('hex').slice(0, 16);
}

export function initialRecord(config: RolloutConfig, now: number): RolloutRecord {
  const first = config.steps[0]?.weight ?? 0;
  return { fingerprint: fingerprint(config), state: first >= 100 ? 'promoted' : 'progressing', step: 0, weight: first, epoch: 1, since: now, decisions: [], history: [] };
}

/** Whether the analysis still judges this rollout. */
export function isActive(record: RolloutRecord): boolean {
  return record.state === 'progressing';
}

/**
 * Appends decisions, keeping the newest KEEP_DECISIONS; the oldest holds go first, so the
 * transitions and the checks that led to them outlive hours of routine looks.
 */
function withDecisions(record: RolloutRecord, decisions: readonly Decision[]): readonly Decision[] {
  const all = [...record.decisions, ...decisions];
  let over = all.length - KEEP_DECISIONS;
  if (over <= 0) return all;
  const kept: Decision[] = [];
  for (const d of all) {
    if (over > 0 && d.action === 'hold') over--;
    else kept.push(d);
  }
  return kept.length > KEEP_DECISIONS ? kept.slice(kept.length - KEEP_DECISIONS) : kept;
}

function move(record: RolloutRecord, to: { state: RolloutPhase; step: number; weight: number }, now: number, decisions: readonly Decision[]): RolloutRecord {
  const history = [...record.history, { state: record.state, step: record.step, weight: record.weight }].slice(-KEEP_HISTORY);
  return { ...record, ...to, epoch: record.epoch + 1, since: now, history, decisions: withDecisions(record, decisions) };
}

/** The step after the current one, or the promotion when it is the last or weighs 100. */
function next(config: RolloutConfig, record: RolloutRecord): { state: RolloutPhase; step: number; weight: number } {
  const step = config.steps[record.step + 1];
  if (step === undefined || step.weight >= 100) return { state: 'promoted', step: Math.min(record.step + 1, config.steps.length - 1), weight: 100 };
  return { state: 'progressing', step: record.step + 1, weight: step.weight };
}

export interface Judgement {
  readonly outcomes: readonly (CheckOutcome & { detail?: string })[];
  /** Canary responses in the step. */
  readonly canarySamples: number;
}

/** One analysis look: every check's outcome recorded with the action it led to. */
export function judge(config: RolloutConfig, record: RolloutRecord, judgement: Judgement, now: number): RolloutRecord {
  const step = config.steps[record.step];
  const failed = judgement.outcomes.some((o) => o.verdict === 'fail');
  const ready = step !== undefined && now - record.since >= step.hold && judgement.canarySamples >= step.minSamples;
  const passed = ready && judgement.outcomes.every((o) => o.verdict === 'pass');
  const target = failed ? (config.onFailure === 'rollback' ? { state: 'rolled-back' as const, step: record.step, weight: 0 } : { state: 'paused' as const, step: record.step, weight: record.weight }) : passed ? next(config, record) : undefined;
  const action: DecisionAction = failed ? (config.onFailure === 'rollback' ? 'rollback' : 'pause') : target === undefined ? 'hold' : target.state === 'promoted' ? 'promote' : 'advance';
  const time = new Date(now).toISOString();
  const decisions: Decision[] = judgement.outcomes.map((o) => ({
    time,
    step: record.step,
    metric: o.metric,
    canary: o.canary,
    baseline: o.baseline,
    threshold: o.threshold,
    verdict: o.verdict,
    action,
    by: 'analysis',
    ...(o.detail === undefined ? {} : { detail: o.detail }),
  }));
  if (judgement.outcomes.length === 0) {
    // No checks configured: the step advances on hold and minSamples alone, which is recorded too.
    decisions.push({ time, step: record.step, metric: null, canary: null, baseline: null, threshold: null, verdict: null, action, by: 'analysis', detail: `${judgement.canarySamples} canary responses in the step` });
  }
  if (target === undefined) return { ...record, decisions: withDecisions(record, decisions) };
  return move(record, target, now, decisions);
}

/** An operator's action, or why it cannot be taken in this state. */
export function operate(config: RolloutConfig, record: RolloutRecord, action: OperatorAction, full: boolean, now: number): RolloutRecord | string {
  const open = record.state === 'progressing' || record.state === 'paused';
  const decision = (detail?: string): Decision => ({ time: new Date(now).toISOString(), step: record.step, metric: null, canary: null, baseline: null, threshold: null, verdict: null, action, by: 'operator', ...(detail === undefined ? {} : { detail }) });
  switch (action) {
    case 'pause':
      if (record.state !== 'progressing') return `cannot pause a rollout that is ${record.state}`;
      return { ...record, state: 'paused', decisions: withDecisions(record, [decision()]) };
    case 'resume':
      if (record.state !== 'paused') return `cannot resume a rollout that is ${record.state}`;
      return move(record, { state: 'progressing', step: record.step, weight: record.weight }, now, [decision()]);
    case 'promote': {
      if (!open) return `cannot promote a rollout that is ${record.state}`;
      const to = full ? { state: 'promoted' as const, step: config.steps.length - 1, weight: 100 } : next(config, record);
      return move(record, to, now, [decision(full ? 'full promotion, remaining steps skipped' : undefined)]);
    }
    case 'abort':
      if (!open) return `cannot abort a rollout that is ${record.state}`;
      return move(record, { state: 'aborted', step: record.step, weight: 0 }, now, [decision()]);
    case 'undo': {
      const last = record.history.at(-1);
      if (last === undefined) return 'nothing to undo: the rollout has not moved yet';
      const undone = move(record, last, now, [decision(`back to step ${last.step}, ${last.state}, weight ${last.weight}`)]);
      return { ...undone, history: record.history.slice(0, -1) };
    }
  }
}
