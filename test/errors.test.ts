// The error catalogue and docs/errors.md must list the same codes, so users can look any up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { catalogue, SwitchyardError } from '../src/errors.js';

test('docs/errors.md lists exactly the codes in the catalogue', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/`(SY_ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]));
  const defined = new Set(Object.keys(catalogue));
  assert.deepEqual([...defined].filter((c) => !documented.has(c)), [], 'codes missing from docs/errors.md');
  assert.deepEqual([...documented].filter((c) => !defined.has(c as string)), [], 'codes documented but not defined');
});

test('a catalogue error carries its status, title and code', () => {
  const err = new SwitchyardError('SY_ERR_UPSTREAM_OVERLOADED', 'upstream "legacy" queue is full (512 waiting)');
  assert.equal(err.status, 503);
  assert.equal(err.code, 'SY_ERR_UPSTREAM_OVERLOADED');
  assert.match(err.title, /saturated/);
});
