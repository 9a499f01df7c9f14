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
