// README.zh-CN.md stays a faithful version of README.md: each links to the other, and they have
// the same sections, the same code blocks (comments aside, which are translated), the same
// commands in the command table, and the same links into docs/. A section or command added to
// one README and not the other fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);
const en = readFileSync(new URL('README.md', root), 'utf8');
const zh = readFileSync(new URL('README.zh-CN.md', root), 'utf8');

/** Code blocks as [language, text]; sh and yaml without comments, others by their unindented first words. */
function blocks(text: string): [string, string][] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => {
    const lang = m[1] as string;
    const lines = (m[2] as string).split('\n');
    if (lang === 'sh' || lang === 'yaml') return [lang, lines.map((l) => l.replace(/(^|\s+)#(?![^'"]*['"]\s*$).*$/, '').trimEnd()).filter((l) => l !== '').join('\n')];
    return [lang, lines.filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]).join('\n')];
  });
}

const headings = (text: string) => text.split('\n').filter((l) => /^#{1,3} /.test(l)).map((l) => /^#+/.exec(l)?.[0]);
const commands = (text: string) => text.split('\n').filter((l) => l.startsWith('| `')).map((l) => /^\| `([^`]*)`/.exec(l)?.[1]);
const links = (text: string) => [...text.matchAll(/\]\(((?:docs\/|README)[^)#]*)/g)].map((m) => m[1]).sort();

test('each README links to the other', () => {
  assert.match(en, /\]\(README\.zh-CN\.md\)/);
  assert.match(zh, /\]\(README\.md\)/);
});

test('the same sections, at the same levels, in the same order', () => {
  assert.deepEqual(headings(zh), headings(en));
});

test('the same code blocks (commands, config), comments aside', () => {
  assert.deepEqual(blocks(zh), blocks(en));
});

test('the same commands in the command table', () => {
  assert.deepEqual(commands(zh), commands(en));
});

test('the same links into docs/', () => {
  assert.deepEqual(links(zh).filter((l) => !l?.startsWith('README')), links(en).filter((l) => !l?.startsWith('README')));
});
