// The README's commands work as written in the checkout: `npm install` does not put a package's
// own bin on the PATH, so the README calls it `npx switchyard`, and npx runs that bin only if
// something built it, so `npm install` builds (the `prepare` script).
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

test('npm install builds the bin that npx switchyard runs', () => {
  assert.match(pkg.scripts['prepare'] ?? '', /\bnpm run build\b/);
  const bin = pkg.bin['switchyard'];
  assert.ok(bin !== undefined && existsSync(new URL(bin, root)), `the build writes ${bin}`);
});
