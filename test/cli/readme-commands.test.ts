// The README's commands work as written in the checkout: `npm install` does not put a package's
// own bin on the PATH, so the README calls it `npx switchyard`, and npx runs that bin only if
// something built it: in the checkout `npm run build` (which the README names, and which
// `npm test` and `npm run demo` run first), in the tarball `prepack`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

/** Shell lines in ``` blocks and the first cell of table rows: where the README tells a user what to type. */
function invocations(text: string): string[] {
  const out: string[] = [];
  let inShell = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inShell = line === '```sh' || line === '```bash' || line === '```console';
    else if (inShell) out.push(line);
    else if (line.startsWith('| `')) out.push(/^\| `([^`]*)`/.exec(line)?.[1] ?? '');
  }
  return out.filter((l) => /\bswitchyard (?:[a-z]|-)/.test(l));
}

test('the README calls the command as npx switchyard, never bare', () => {
  const calls = invocations(readme);
  assert.ok(calls.length >= 4, `README shows the commands: ${calls.join(' | ')}`);
  for (const call of calls) assert.match(call, /^npx switchyard /, `typed as written in the checkout: ${call}`);
});

test('the build the README names writes the bin that npx switchyard runs, and the tarball is built', () => {
  assert.match(readme, /`npm install && npm run build` builds the `switchyard` command/);
  for (const script of ['build', 'prepack', 'pretest', 'demo']) assert.ok(pkg.scripts[script] !== undefined, `package.json has ${script}`);
  assert.match(pkg.scripts['build'] ?? '', /\btsc\b/);
  for (const script of ['prepack', 'pretest', 'demo']) assert.match(pkg.scripts[script] ?? '', /\bnpm run build\b/, `${script} builds first`);
  const bin = pkg.bin['switchyard'];
  assert.ok(bin !== undefined && existsSync(new URL(bin, root)), `the build writes ${bin}`);
});
