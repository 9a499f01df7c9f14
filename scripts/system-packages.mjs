// The Debian packages the test suite runs for real, each with a file that proves it is installed.
// `node scripts/system-packages.mjs` prints the package names (used by .ci/run);
// ensure-system-deps.mjs imports the list.
export const systemPackages = [
  { name: 'php8.2-fpm', proves: '/usr/sbin/php-fpm8.2', for: 'FastCGI upstream tests and the demo' },
  { name: 'php8.2-cli', proves: '/usr/bin/php8.2', for: 'PHP example apps' },
  { name: 'nginx-light', proves: '/usr/sbin/nginx', for: 'side-by-side checks against nginx' },
  { name: 'dokuwiki', proves: '/usr/share/dokuwiki/doku.php', for: 'a packaged PHP application behind the gateway' },
  { name: 'prometheus', proves: '/usr/bin/prometheus', for: 'scraping /metrics in the telemetry tests' },
  { name: 'chromium', proves: '/usr/bin/chromium', for: 'loading the dashboard in the admin tests' },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(systemPackages.map((p) => p.name).join(' '));
}
