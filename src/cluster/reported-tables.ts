/**
 * Connection tables of upstreams that do not describe themselves (the FastCGI pool), by their
 * label (`upstream "legacy"`), so GET /admin/upstreams lists their connections beside the http
 * clusters'. A reload's new pool replaces the entry of the same name.
 */
import type { ConnectionTable } from './connection-table.js';

export const reportedTables = new Map<string, ConnectionTable>();
