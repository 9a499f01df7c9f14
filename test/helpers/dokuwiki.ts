/**
 * A private copy of Debian's DokuWiki (package `dokuwiki`) for end-to-end tests: the code tree
 * copied with its symlinks followed, its configuration and data moved into the same temp dir
 * (a preload.php pointing DOKU_CONF there, `savedir` in local.php), ACLs off so an anonymous
 * client may edit. Nothing under /etc or /var/lib is touched.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOKUWIKI_HOME = '/usr/share/dokuwiki';

export interface DokuWikiCopy {
  readonly dir: string;
  /** The document root to give php-fpm and the gateway. */
  readonly root: string;
}

export async function copyDokuWiki(): Promise<DokuWikiCopy> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-dokuwiki-'));
  const root = join(dir, 'dokuwiki');
  const conf = join(dir, 'conf');
  const data = join(dir, 'data');
  await cp(DOKUWIKI_HOME, root, { recursive: true, dereference: true });
  await cp('/etc/dokuwiki', conf, { recursive: true, dereference: true });
  await cp('/var/lib/dokuwiki/data', data, { recursive: true, dereference: true });
  // DokuWiki reads inc/preload.php before anything else; Debian's points at /etc/dokuwiki.
  await writeFile(join(root, 'inc', 'preload.php'), `<?php\ndefine('DOKU_CONF', ${JSON.stringify(`${conf}/`)});\n`);
  const local = await readFile(join(conf, 'local.php'), 'utf8');
  await writeFile(
    join(conf, 'local.php'),
    `${local.replace(/\$conf\['useacl'\]\s*=\s*1;/, "$conf['useacl'] = 0;")}\n$conf['savedir'] = ${JSON.stringify(data)};\n$conf['title'] = 'Switchyard test wiki';\n`,
  );
  return { dir, root };
}
