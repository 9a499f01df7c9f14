// Agreement with buf on a real tree: googleapis, as the google-proto-files package ships it
// (over 7,000 files, some 84,000 findings). Both tools lint the same module, as separate
// processes at the same time, and must report the same (rule, file, line, column) list,
// duplicates included.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bufBinary } from '../../../src/proto/buf-binary.js';
import { googleapisSource, linkGoogleapis } from '../../../bench/proto/googleapis-tree.js';

const CLI = fileURLToPath(new URL('../../../src/cli/bin.js', import.meta.url));
// A devDependency: its absence is a broken install, not a reason to skip.
const TREE = googleapisSource() ?? assert.fail('the google-proto-files devDependency is not installed (npm install)');
// Switchyard's own rule, which buf does not have.
const OURS_ONLY = 'FIELD_NUMBERS_CONTIGUOUS';

type Row = { type: string; path?: string; start_line: number; start_column: number; message: string };

/** Runs a linter that exits 100 on findings and returns its JSON rows. */
function lintRows(file: string, args: string[], cwd: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    // starts: node buf (the two linters compared)
    execFile(file, args, { cwd, maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : (err as { code?: number }).code;
      if (code !== 0 && code !== 100) return reject(new Error(`${file} ${args.join(' ')} exited ${String(code)}: ${stderr.slice(0, 2000)}`));
      resolve(stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row));
    });
  });
}

/** Keys present more often in `a` than in `b`, with how many more. */
function excess(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const k of a) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const k of b) counts.set(k, (counts.get(k) ?? 0) - 1);
  return [...counts].filter(([, n]) => n > 0).map(([k, n]) => (n > 1 ? `${k} (x${n})` : k)).sort();
}

describe('agreement with buf on googleapis', { timeout: 15 * 60_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-googleapis-'));
    await linkGoogleapis(TREE, dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  // The whole tree with buf's defaults; then, with a v2 buf.yaml (which adds PACKAGE_NO_IMPORT_CYCLE),
  // the part where googleapis has package cycles, narrowed with --path as a team would.
  const cases = [
    { name: 'the whole tree, no buf.yaml (v1 defaults)', bufYaml: undefined, args: [] },
    { name: 'google/devtools and grafeas, a v2 buf.yaml', bufYaml: 'version: v2\n', args: ['--path', 'google/devtools', '--path', 'grafeas'] },
  ];
  for (const { name, bufYaml, args } of cases) {
    test(`${name}: the same findings, counted`, { timeout: 15 * 60_000 }, async () => {
      if (bufYaml === undefined) await rm(join(dir, 'buf.yaml'), { force: true });
      else await writeFile(join(dir, 'buf.yaml'), bufYaml);
      const [theirs, ours] = await Promise.all([
        lintRows(bufBinary(), ['lint', '.', ...args, '--error-format', 'json'], dir),
        lintRows(process.execPath, [CLI, 'proto', 'lint', '.', ...args, '--error-format', 'json'], dir),
      ]);
      const key = (f: Row): string => `${f.type} ${f.path ?? '<input>'}:${f.start_line}:${f.start_column}`;
      const a = theirs.map(key);
      const b = ours.filter((f) => f.type !== OURS_ONLY).map(key);
      assert.deepEqual({ onlyBuf: excess(a, b).slice(0, 50), onlySwitchyard: excess(b, a).slice(0, 50) }, { onlyBuf: [], onlySwitchyard: [] });
      // The tree holds what real trees showed wrong: shared and same-type RPCs, v1alpha/v1beta packages, cycles.
      const fired = (type: string, text: RegExp): boolean => theirs.some((f) => f.type === type && text.test(f.message));
      if (bufYaml === undefined) {
        assert.ok(theirs.length > 50_000, `buf reported ${theirs.length}`);
        assert.ok(fired('RPC_REQUEST_RESPONSE_UNIQUE', /the same type/));
        assert.ok(!fired('PACKAGE_VERSION_SUFFIX', /\.v1(alpha|beta)"/));
        assert.ok(!fired('PACKAGE_NO_IMPORT_CYCLE', /./));
      } else {
        assert.ok(fired('PACKAGE_NO_IMPORT_CYCLE', /grafeas\.v1beta1/));
      }
    });
  }
});
