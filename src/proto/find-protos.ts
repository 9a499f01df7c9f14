/**
 * Lists the `.proto` files under a module root, as import paths (forward slashes, sorted).
 * Symbolic links to files and directories are followed, as buf follows them; a directory
 * reached twice through links (a cycle) is walked once.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

// Directories no module keeps its own sources in; buf skips dot-directories the same way.
const SKIPPED = new Set(['node_modules']);

export async function findProtoFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walked = new Set<string>();
  async function walk(dir: string, prefix: string): Promise<void> {
    const real = await realpath(dir);
    if (walked.has(real)) return;
    walked.add(real);
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      const path = join(dir, entry.name);
      // A link's target decides what it is; a dangling link is skipped.
      const kind = entry.isSymbolicLink() ? await stat(path).then((s) => (s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other'), () => 'other') : entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
      if (kind === 'dir') await walk(path, rel);
      else if (kind === 'file' && entry.name.endsWith('.proto')) out.push(rel);
    }
  }
  await walk(root, '');
  return out.sort();
}
