// The sensor mounts tracefs where it is missing (bpftrace finds no tracepoint without it), and
// says why it cannot run when mounting fails. Mounted on a directory of the test's own, so the
// machine's /sys/kernel/tracing is left alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTracefs } from '../../src/sense/preflight.js';
import { isSwitchyardError } from '../../src/errors.js';

const run = promisify(execFile);
const root = process.getuid?.() === 0;
let dir: string;
let mounted = false;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-tracefs-'));
});
after(async () => {
  // starts: umount
  if (mounted) await run('umount', [dir]);
  await rm(dir, { recursive: true, force: true });
});

test('a directory without tracefs gets it mounted, and the sensor says so; mounted, it is left alone', { skip: !root && 'mounting needs root' }, async () => {
  assert.equal(existsSync(join(dir, 'events')), false);
  assert.equal(await ensureTracefs(dir), `mounted tracefs at ${dir} (bpftrace finds tracepoints there)`);
  mounted = true;
  assert.ok(existsSync(join(dir, 'events', 'sched', 'sched_process_exec')));
  assert.equal(await ensureTracefs(dir), undefined);
});

test('when mounting fails: SY_ERR_SENSE_UNAVAILABLE with the reason', async () => {
  await assert.rejects(ensureTracefs(join(dir, 'missing', 'tracing')), (err: unknown) => isSwitchyardError(err) && err.code === 'SY_ERR_SENSE_UNAVAILABLE' && /tracefs is not mounted at .* and mounting it failed: ./.test(err.message));
});
