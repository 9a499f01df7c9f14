/**
 * Two answers to the same request compared: status, the chosen headers, and the bodies — field
 * by field when both parse as JSON, byte for byte otherwise. Status and headers are reported as
 * `status` and `header:NAME`, which no JSON pointer can be (a pointer is '' or starts with '/');
 * body fields by their RFC 6901 pointer, '' being the whole body.
 */
import type { ShadowCompareConfig } from '../../config/types.js';
import type { CapturedResponse } from './captured-response.js';
import { diffJson, MAX_DIFFERENCES, type Difference } from './json-diff.js';

/** How much of a non-JSON body a difference shows. */
const TEXT_PREVIEW = 200;

export function compareResponses(baseline: CapturedResponse, other: CapturedResponse, rules: ShadowCompareConfig): Difference[] {
  const out: Difference[] = [];
  if (baseline.status !== other.status) out.push({ pointer: 'status', baseline: baseline.status, target: other.status });
  for (const name of rules.headers) {
    const a = baseline.headers[name];
    const b = other.headers[name];
    if (a !== b) out.push({ pointer: `header:${name}`, baseline: a, target: b });
  }
  if (baseline.body.equals(other.body)) return out;
  const a = parseJson(baseline.body);
  const b = parseJson(other.body);
  if (a !== NOT_JSON && b !== NOT_JSON) {
    for (const d of diffJson(a, b, rules)) if (out.length < MAX_DIFFERENCES) out.push(d);
  } else if (!rules.ignore.includes('')) {
    out.push({ pointer: '', baseline: preview(baseline.body), target: preview(other.body) });
  }
  return out;
}

const NOT_JSON = Symbol('not json');

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return NOT_JSON;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function preview(body: Buffer): string {
  const text = body.subarray(0, TEXT_PREVIEW).toString('utf8');
  return body.length > TEXT_PREVIEW ? `${text}…` : text;
}
