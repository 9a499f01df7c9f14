/** Header maps as the VM thread keeps them: flat [name, value, ...] lists, names lowercased. */

export function lookup(map: readonly string[], name: string): string | undefined {
  for (let i = 0; i < map.length; i += 2) if (map[i] === name) return map[i + 1];
  return undefined;
}

export function remove(map: string[], name: string): void {
  for (let i = map.length - 2; i >= 0; i -= 2) if (map[i] === name) map.splice(i, 2);
}

export function lowerNames(pairs: string[]): string[] {
  for (let i = 0; i < pairs.length; i += 2) pairs[i] = (pairs[i] as string).toLowerCase();
  return pairs;
}

/** A 64-bit little-endian integer, the form Envoy gives integer properties in. */
export function int64(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64LE(BigInt(Math.trunc(value)));
  return out;
}
