/** Lists the `.proto` files under a module root, as import paths (forward slashes, sorted). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

// Directories no module keeps its own sources in; buf skips dot-directories the same way.
const SKIPPED = new Set(['node_modules']);

export async function findProtoFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
      else if (entry.name.endsWith('.proto') && (entry.isFile() || entry.isSymbolicLink())) out.push(rel);
    }
  }
  await walk(root, '');
  return out.sort();
}
