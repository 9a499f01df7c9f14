/** The V8 flags workers start with: a larger young generation, unless the user chose one. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from '../../src/process/worker-flags.js';

it('adds a 64 MB semi-space to the flags node was started with', () => {
  assert.deepEqual(workerExecArgv(['--enable-source-maps'], {}), ['--enable-source-maps', '--max-semi-space-size=64']);
});

it('keeps the semi-space size a user gave on the command line or in NODE_OPTIONS', () => {
  assert.deepEqual(workerExecArgv(['--max-semi-space-size=8'], {}), ['--max-semi-space-size=8']);
  assert.deepEqual(workerExecArgv([], { NODE_OPTIONS: '--trace-warnings --max-semi-space-size=32' }), []);
});
