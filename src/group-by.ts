/**
 * Maps of lists, built in place: findings by file, files by package or directory, RPCs by the
 * message they use, admin endpoints by path, the workers' rows by key. `Map.groupBy` arrives with Node 21; the package supports Node 20.
 */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export function groupBy<K, V>(items: Iterable<V>, key: (item: V) => K): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) addTo(out, key(item), item);
  return out;
}
