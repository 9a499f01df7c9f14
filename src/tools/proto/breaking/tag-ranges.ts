/** Which numbers of a previous reserved/extension range a current set of ranges no longer covers. */
export type Range = readonly [number, number];

/** Sorts and merges overlapping or adjacent inclusive ranges. */
export function collapse(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

export function missing(range: Range, covered: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = range[0];
  for (const [start, end] of covered) {
    if (end < next) continue;
    if (start > range[1]) break;
    if (start > next) out.push([next, start - 1]);
    next = Math.max(next, end + 1);
    if (next > range[1]) break;
  }
  if (next <= range[1]) out.push([next, range[1]]);
  return out;
}

export function rangeText([start, end]: Range, max: number): string {
  if (start === end) return `[${start}]`;
  return end === max ? `[${start},max]` : `[${start},${end}]`;
}
