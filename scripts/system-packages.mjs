// The Debian packages the test suite and the product run for real, each with a file that proves
// it is installed and the programs it provides (test/system-packages.test.ts checks that every
// program the code and the tests start is one of these, and benchPackages below for the
// benchmarks).
// `node scripts/system-packages.mjs` prints the package names (used by .ci/run);
// ensure-system-deps.mjs imports the list.
export const systemPackages = [
  { name: 'php8.2-fpm', proves: '/usr/sbin/php-fpm8.2', programs: ['php-fpm8.2', 'php-fpm'], for: 'FastCGI upstream tests and the demo' },
  { name: 'php8.2-cli', proves: '/usr/bin/php8.2', programs: ['php8.2', 'php'], for: 'PHP example apps' },
  { name: 'nginx-light', proves: '/usr/sbin/nginx', programs: ['nginx'], for: 'side-by-side checks against nginx' },
  { name: 'dokuwiki', proves: '/usr/share/dokuwiki/doku.php', programs: [], for: 'a packaged PHP application behind the gateway' },
  { name: 'wordpress', proves: '/usr/share/wordpress/wp-settings.php', programs: [], for: "WordPress's directories behind the gateway and behind nginx, side by side" },
  { name: 'prometheus', proves: '/usr/bin/prometheus', programs: ['prometheus', 'promtool'], for: 'scraping /metrics in the telemetry tests; promtool checks deploy/prometheus and the dashboard\'s PromQL' },
  { name: 'chromium', proves: '/usr/bin/chromium', programs: ['chromium'], for: 'loading the dashboard in the admin tests' },
  { name: 'goaccess', proves: '/usr/bin/goaccess', programs: ['goaccess'], for: 'the logs tests and bench:logs compare against GoAccess' },
  { name: 'git', proves: '/usr/bin/git', programs: ['git'], for: '`proto breaking --against REF` and the pre-commit hook' },
  { name: 'bpftrace', proves: '/usr/bin/bpftrace', programs: ['bpftrace'], for: '`switchyard sense`, the kernel sensor, and its tests' },
  { name: 'redis-server', proves: '/usr/bin/redis-server', programs: ['redis-server', 'redis-cli'], for: 'shared rollout state and rate-limit counters, and PHP sessions in Redis, in the tests' },
  { name: 'php8.2-redis', proves: '/etc/php/8.2/mods-available/redis.ini', programs: [], for: 'PHP writing its sessions to Redis (phpredis) for the phpSession tests' },
  { name: 'wabt', proves: '/usr/bin/wat2wasm', programs: ['wat2wasm', 'wasm2wat'], for: 'building the example proxy-wasm filters from their WAT source' },
  { name: 'mount', proves: '/bin/mount', programs: ['mount', 'umount'], for: '`switchyard sense` mounts tracefs when it is missing; its test unmounts its own' },
  { name: 'openssl', proves: '/usr/bin/openssl', programs: ['openssl'], for: 'the TLS listener tests make a renewed certificate and a key of another certificate' },
  { name: 'iproute2', proves: '/usr/sbin/ip', programs: ['ip'], for: 'the sensor\'s retransmit test: a network namespace of its own behind a veth pair' },
];

/** What the benchmarks start besides those (each benchmark's README says how to install them). */
export const benchPackages = [
  { name: 'wrk', proves: '/usr/bin/wrk', programs: ['wrk'], for: 'the load generator of bench:proxy, bench:fastcgi and bench:telemetry' },
  { name: 'haproxy', proves: '/usr/sbin/haproxy', programs: ['haproxy'], for: 'bench:proxy runs it side by side' },
  { name: 'golang-go', proves: '/usr/bin/go', programs: ['go'], for: 'bench:logs builds the article\'s Go program' },
  { name: 'time', proves: '/usr/bin/time', programs: ['time'], for: 'bench:logs measures CPU and memory of each command' },
];

/** Programs every Debian machine has (the Essential set), and npm and npx, which come with node: no package here. */
export const basePrograms = ['sh', 'bash', 'tar', 'apt-get', 'npm', 'npx'];

/** Programs shipped inside npm packages the project depends on, with the package. */
export const npmPrograms = { buf: '@bufbuild/buf' };

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(systemPackages.map((p) => p.name).join(' '));
}
