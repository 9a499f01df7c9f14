/**
 * The main script of the single executable (`npm run build:sea`, scripts/build-sea.mjs). The same
 * executable is both the CLI and, forked by `serve --workers N` through node:cluster, each gateway
 * worker: the primary forks the executable itself (there is no worker-main.js file beside it), so
 * a worker is told apart by node:cluster and takes its arguments, the last three, from argv.
 */
import cluster from 'node:cluster';
import { runCli } from '../cli/run-cli.js';
import { runWorker } from '../process/worker.js';

if (cluster.isWorker) {
  void runWorker(process.argv.slice(-3));
} else {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
