/** A throw-away git repository for tests of `--against REF` and the pre-commit hook. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { protoTree, type ProtoTree } from './proto-tree.js';

const run = promisify(execFile);

export interface GitRepo extends ProtoTree {
  git(...args: string[]): Promise<string>;
  /** Stages everything and commits; resolves to git's exit code (a hook may refuse). */
  commit(message: string): Promise<{ code: number; output: string }>;
}

// Commits need an identity; none is assumed from the machine.
const IDENTITY = ['-c', 'user.name=Switchyard Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];

export async function gitRepo(files: Record<string, string>): Promise<GitRepo> {
  const tree = await protoTree(files);
  const git = async (...args: string[]): Promise<string> => (await run('git', [...IDENTITY, ...args], { cwd: tree.dir })).stdout.trim();
  await git('init', '-q', '-b', 'main');
  return {
    ...tree,
    git,
    async commit(message) {
      await git('add', '-A');
      try {
        const { stdout, stderr } = await run('git', [...IDENTITY, 'commit', '-q', '-m', message], { cwd: tree.dir });
        return { code: 0, output: stdout + stderr };
      } catch (err) {
        const failure = err as { code?: number; stdout?: string; stderr?: string };
        return { code: failure.code ?? 1, output: (failure.stdout ?? '') + (failure.stderr ?? '') };
      }
    },
  };
}
