/**
 * The n largest entries of a map, by value then key, without sorting the whole map: a log can
 * hold millions of distinct clients or paths, and a report shows ten.
 */
export function topN<V>(entries: Iterable<[string, V]>, n: number, weight: (v: V) => number): [string, V][] {
  const top: [string, V, number][] = [];
  for (const [key, value] of entries) {
    const w = weight(value);
    if (top.length === n) {
      const last = top[n - 1] as [string, V, number];
      if (w < last[2] || (w === last[2] && key >= last[0])) continue;
    }
    let i = top.length;
    while (i > 0) {
      const prev = top[i - 1] as [string, V, number];
      if (prev[2] > w || (prev[2] === w && prev[0] < key)) break;
      i--;
    }
    top.splice(i, 0, [key, value, w]);
    if (top.length > n) top.pop();
  }
  return top.map(([k, v]) => [k, v]);
}

/**
 * The n-th largest of `count` weights stored every `stride` numbers in `values` (0 when there are
 * fewer): entries below it cannot make a top-n table, so their keys need not become strings.
 */
export function nthLargest(values: Float64Array, stride: number, count: number, n: number): number {
  if (count <= n) return 0;
  const top = new Float64Array(n); // ascending; top[0] is the smallest kept
  for (let i = 0; i < count; i++) {
    const w = values[i * stride] as number;
    if (w <= (top[0] as number)) continue;
    let j = 0;
    while (j + 1 < n && (top[j + 1] as number) < w) {
      top[j] = top[j + 1] as number;
      j++;
    }
    top[j] = w;
  }
  return top[0] as number;
}
