/** Writes a throw-away module of .proto files (and config) into a temp directory for one test. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ProtoTree {
  readonly dir: string;
  write(files: Record<string, string>): Promise<void>;
  remove(): Promise<void>;
}

export async function protoTree(files: Record<string, string> = {}): Promise<ProtoTree> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-proto-test-'));
  const write = async (more: Record<string, string>): Promise<void> => {
    for (const [name, text] of Object.entries(more)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
  };
  await write(files);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A small proto3 file in package `pkg` (directory must match for lint). */
export function proto3(pkg: string, body: string, imports: readonly string[] = []): string {
  return `syntax = "proto3";\n\npackage ${pkg};\n\n${imports.map((i) => `import "${i}";\n`).join('')}\n${body}\n`;
}
