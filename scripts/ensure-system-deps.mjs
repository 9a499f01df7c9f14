// pretest: make sure the real servers the tests start are on this machine. As root on Debian the
// missing packages are installed; otherwise one line says what to install, and the run stops.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { systemPackages } from './system-packages.mjs';

const missing = systemPackages.filter((p) => !existsSync(p.proves));
if (missing.length > 0) {
  const names = missing.map((p) => p.name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`switchyard tests need these Debian packages: apt-get install -y ${names.join(' ')}`);
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.error(`installing ${names.join(' ')} ...`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: ['ignore', 'ignore', 'inherit'], env });
}
