/**
 * A module of googleapis' protos as the google-proto-files package (a devDependency) ships them,
 * laid out as links in a directory: google/ without google/protobuf (protobuf's own test protos,
 * which import files the package lacks; the well-known types come with the compiler), and
 * grafeas/ (imported by two google/ APIs). `only` keeps a few google/ directories instead.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the package is, or undefined when it is not installed. */
export function googleapisSource(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('google-proto-files/package.json'));
  } catch {
    return undefined;
  }
}

/** The common protos most APIs import: a tree of about a hundred files. */
export const COMMON_PROTOS = ['api', 'rpc', 'type', 'longrunning', 'logging'];

export async function linkGoogleapis(source: string, dir: string, only?: readonly string[]): Promise<void> {
  await mkdir(join(dir, 'google'), { recursive: true });
  const entries = (await readdir(join(source, 'google'))).filter((e) => e !== 'protobuf' && (only === undefined || only.includes(e)));
  for (const entry of entries) await symlink(join(source, 'google', entry), join(dir, 'google', entry), 'dir');
  if (only === undefined) await symlink(join(source, 'grafeas'), join(dir, 'grafeas'), 'dir');
}
