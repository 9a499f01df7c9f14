#!/usr/bin/env node
// The `switchyard` executable: everything lives in runCli so that tests can call it in-process.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
