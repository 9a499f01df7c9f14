/**
 * A private copy of Debian's WordPress (package `wordpress`) for end-to-end tests, with no
 * database. The code tree is copied with its symlinks followed and the packaged wp-content
 * (Debian keeps it apart, under /var/lib) merged into the copy's, so the document root looks like
 * an upstream WordPress install. Debian's wp-config.php, which reads a per-host file from
 * /etc/wordpress, is replaced by one that points at a database socket that does not exist: every
 * page that needs the database stops in WordPress's own dead_db(), which hands over to the
 * `wp-content/db-error.php` drop-in when there is one. The drop-in here reports which script
 * WordPress was started as, so a test can tell wp-admin/index.php from the front controller.
 * Nothing under /etc, /usr or /var is touched.
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WORDPRESS_HOME = '/usr/share/wordpress';
const WORDPRESS_CONTENT = '/var/lib/wordpress/wp-content';

export interface WordPressCopy {
  readonly dir: string;
  /** The document root to give php-fpm, the gateway and nginx. */
  readonly root: string;
}

/** What the db-error.php drop-in answers with (status 500, JSON). */
export interface WordPressDbError {
  readonly scriptName: string;
  readonly phpSelf: string;
  readonly requestUri: string;
  /** WordPress defines WP_ADMIN in wp-admin/admin.php: true only when an admin script runs. */
  readonly admin: boolean;
}

export async function copyWordPress(): Promise<WordPressCopy> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-wordpress-'));
  const root = join(dir, 'wordpress');
  await cp(WORDPRESS_HOME, root, { recursive: true, dereference: true });
  await cp(WORDPRESS_CONTENT, join(root, 'wp-content'), { recursive: true, dereference: true });
  await writeFile(
    join(root, 'wp-config.php'),
    `<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '');
// No server listens here: WordPress fails to connect at once and calls dead_db().
define('DB_HOST', ${JSON.stringify(`localhost:${join(dir, 'no-database.sock')}`)});
$table_prefix = 'wp_';
define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
  );
  await writeFile(
    join(root, 'wp-content', 'db-error.php'),
    `<?php
http_response_code(500);
header('Content-Type: application/json');
echo json_encode([
  'scriptName' => $_SERVER['SCRIPT_NAME'],
  'phpSelf' => $_SERVER['PHP_SELF'],
  'requestUri' => $_SERVER['REQUEST_URI'],
  'admin' => defined('WP_ADMIN') && WP_ADMIN,
]);
`,
  );
  return { dir, root };
}
