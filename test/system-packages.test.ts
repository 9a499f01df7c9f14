/**
 * Every program that the product, the tests or the benchmarks start must be one the project's
 * setup installs: a test that starts `goaccess` on a machine where only `scripts/system-packages.mjs`
 * was installed fails on a fresh CI machine, and the developer's machine, which happened to have
 * it, never shows why. This reads the sources for child_process calls (and Playwright's
 * `executablePath`), works out which program each starts, and checks it against the lists.
 * A call whose program cannot be read off the source names it in a `// starts: NAME...` comment
 * on one of the three lines above it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPAWNERS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']);

interface Lists {
  readonly systemPackages: readonly { name: string; proves: string; programs: readonly string[] }[];
  readonly benchPackages: readonly { name: string; proves: string; programs: readonly string[] }[];
  readonly basePrograms: readonly string[];
  readonly npmPrograms: Record<string, string>;
}

const lists = (await import(join(ROOT, 'scripts/system-packages.mjs'))) as Lists;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (/\.(?:ts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

interface Start {
  readonly where: string;
  /** Program names it may start (alternatives), or undefined when the source does not say. */
  readonly programs: readonly string[] | undefined;
}

/** The child_process calls of one file and what each starts. */
function startsIn(text: string, where: string): Start[] {
  const imported = /import\s*\{([^}]*)\}\s*from\s*'node:child_process'/.exec(text);
  if (imported === null) return [];
  const names = new Set<string>();
  for (const part of (imported[1] as string).split(',')) {
    const [name, alias] = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
    if (name !== undefined && SPAWNERS.has(name)) names.add(alias ?? name);
  }
  // `const run = promisify(execFile)` makes `run` a spawner too.
  for (const m of text.matchAll(/const\s+(\w+)\s*=\s*promisify\((\w+)\)/g)) if (names.has(m[2] as string)) names.add(m[1] as string);
  const constants = new Map<string, string>();
  for (const m of text.matchAll(/const\s+(\w+)\s*=\s*'([^']+)'/g)) constants.set(m[1] as string, m[2] as string);
  const lines = text.split('\n');
  const out: Start[] = [];
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/(?<![.\w])(\w+)\(\s*([^,)]+)/g)) {
      if (!names.has(m[1] as string)) continue;
      const arg = (m[2] as string).trim();
      const at = `${where}:${i + 1}`;
      const annotation = lines
        .slice(Math.max(0, i - 3), i + 1)
        .map((l) => /\/\/\s*starts:\s*([^(]+)/.exec(l)?.[1])
        .find((a) => a !== undefined);
      if (annotation !== undefined) out.push({ where: at, programs: annotation.trim().split(/\s+/) });
      else if (arg === 'process.execPath') out.push({ where: at, programs: ['node'] });
      else if (/^bufBinary\(/.test(arg)) out.push({ where: at, programs: ['buf'] });
      else if (/^'[^']+'$/.test(arg)) out.push({ where: at, programs: [basename(arg.slice(1, -1))] });
      else if (constants.has(arg)) out.push({ where: at, programs: [basename(constants.get(arg) as string)] });
      else out.push({ where: at, programs: undefined });
    }
  });
  for (const m of text.matchAll(/executablePath:\s*'([^']+)'/g)) out.push({ where: `${where} (executablePath)`, programs: [basename(m[1] as string)] });
  return out;
}

function installed(packages: Lists['systemPackages']): Set<string> {
  return new Set(['node', ...lists.basePrograms, ...Object.keys(lists.npmPrograms), ...packages.flatMap((p) => p.programs)]);
}

function problems(dirs: readonly string[], known: Set<string>, listName: string): string[] {
  const found: string[] = [];
  // This file's own fixture text would read as calls.
  const self = fileURLToPath(import.meta.url).replace(/\/dist\/(.*)\.js$/, '/$1.ts');
  for (const file of dirs.flatMap((d) => sources(join(ROOT, d))).filter((f) => f !== self)) {
    for (const start of startsIn(readFileSync(file, 'utf8'), relative(ROOT, file))) {
      if (start.programs === undefined) found.push(`${start.where}: cannot tell which program this starts; name it in a "// starts: NAME" comment`);
      else if (!start.programs.some((p) => known.has(p))) found.push(`${start.where}: starts ${start.programs.join(' or ')}, which ${listName} does not install`);
    }
  }
  return found;
}

test('every program the product and the tests start is installed by the setup', () => {
  assert.deepEqual(problems(['src', 'test', 'scripts'], installed(lists.systemPackages), 'scripts/system-packages.mjs'), []);
});

test('every program the benchmarks start is listed for them', () => {
  assert.deepEqual(problems(['bench'], installed([...lists.systemPackages, ...lists.benchPackages]), 'system-packages.mjs (benchPackages)'), []);
});

test('the scan sees the programs a test starts, directly or through promisify', () => {
  const text = [
    "import { execFile, spawn as start } from 'node:child_process';",
    'const run = promisify(execFile);',
    "const TOOL = '/usr/bin/goaccess';",
    "start('wrk', []);",
    "await run('git', ['status']);",
    'start(TOOL, []);',
    'start(somewhere, []);',
    '// starts: php-fpm8.2 php-fpm',
    'start(binary, []);',
    "/x/.exec('not a program');",
  ].join('\n');
  assert.deepEqual(
    startsIn(text, 'f.ts').map((s) => s.programs),
    [['wrk'], ['git'], ['goaccess'], undefined, ['php-fpm8.2', 'php-fpm']],
  );
});

test('every system package names the file that proves it is installed and the programs it gives', () => {
  for (const p of [...lists.systemPackages, ...lists.benchPackages]) {
    assert.match(p.proves, /^\//, p.name);
    for (const program of p.programs) assert.doesNotMatch(program, /\//, p.name);
  }
});
