/**
 * The named formats `--format` accepts. `combined` and `common` are written the way nginx defines
 * them (ngx_http_log_module's predefined `combined`; `common` is the NCSA layout without referer
 * and agent); `vhost_combined` is Apache's from the default httpd.conf.
 */
import { compileApacheFormat } from './apache-format.js';
import type { FormatSpec } from './layout.js';
import { compileNginxFormat } from './nginx-format.js';

export const PRESETS: Readonly<Record<string, () => FormatSpec>> = {
  combined: () =>
    compileNginxFormat('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'),
  common: () => compileNginxFormat('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'),
  vhost_combined: () => compileApacheFormat('%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"'),
  json: () => ({ kind: 'json' }),
  w3c: () => ({ kind: 'w3c' }),
};

/** The order auto-detection tries text layouts in: most specific first. */
export const DETECTION_ORDER = ['combined', 'vhost_combined', 'common'] as const;
