/**
 * Starts a real gateway from YAML text (written to a temp file, as `serve` would read it) on
 * 127.0.0.1 port 0, with signals left alone and logs captured, and stops it in `after`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startGateway, type RunningGateway } from '../../src/gateway/start.js';

export interface TestGateway {
  readonly url: string;
  /** The port of `url`, for raw-socket clients. */
  readonly port: number;
  readonly running: RunningGateway;
  readonly dir: string;
  /** Operational log lines (pino JSON) written so far. */
  logs(): Record<string, unknown>[];
  /** Rewrites the config file and reloads, as SIGHUP does. */
  reload(yaml: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestGateway(yaml: string, options: { env?: NodeJS.ProcessEnv; dir?: string } = {}): Promise<TestGateway> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sy-gw-')));
  const file = join(dir, 'switchyard.yaml');
  await writeFile(file, yaml);
  const logStream = new PassThrough();
  const lines: string[] = [];
  let partial = '';
  logStream.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const running = await startGateway({ file, env: options.env ?? {}, logLevel: 'debug', logStream, signals: false });
  const url = running.gateway.urls()[0] as string;
  return {
    url,
    port: Number(new URL(url).port),
    running,
    dir,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async reload(next) {
      await writeFile(file, next);
      await running.reload();
    },
    async stop() {
      await running.stop();
      if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
