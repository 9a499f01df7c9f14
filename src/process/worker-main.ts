/**
 * Entry point of one gateway worker process, forked by primary.ts through node:cluster with the
 * config file, log level and worker count as arguments; the worker itself is worker.ts.
 */
import cluster from 'node:cluster';
import { runWorker } from './worker.js';

if (!cluster.isWorker) {
  process.stderr.write('switchyard: worker-main runs under `switchyard serve --workers N`\n');
  process.exit(1);
}

await runWorker(process.argv.slice(2));
