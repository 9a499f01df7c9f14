/**
 * The entry of a plugin's VM thread. Callbacks run here so that the gateway's thread can stop a
 * module that overruns its time budget (Worker.terminate interrupts running WebAssembly) and is
 * never blocked by one. In trial mode (config load) the plugin is started once and the outcome
 * written to shared memory, which the loading thread waits on synchronously.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Failure, FromVm, HttpCallOut, LogLine, MetricOp, Outcome, ToVm, VmWorkerData } from './messages.js';
import type { VmHost } from './vm-host.js';

const data = workerData as VmWorkerData;
const port = parentPort;

/** The host is imported here, not statically, so that even failing to load it is reported. */
async function startHost(): Promise<{ host: VmHost } | { error: string }> {
  try {
    const { VmHost } = await import('./vm-host.js');
    const host = new VmHost(data.init);
    host.start();
    return { host };
  } catch (err) {
    return { error: `${(err as Error).name === 'Error' ? '' : `${(err as Error).name}: `}${(err as Error).message}` };
  }
}

const started = await startHost();
if (data.trial) {
  const signal = data.signal as SharedArrayBuffer;
  const header = new Int32Array(signal, 0, 2);
  const text = Buffer.from('error' in started ? started.error : '');
  const room = new Uint8Array(signal, 8);
  room.set(text.subarray(0, room.length));
  Atomics.store(header, 1, Math.min(text.length, room.length));
  Atomics.store(header, 0, 'error' in started ? 2 : 1);
  Atomics.notify(header, 0);
} else if (port !== null) {
  const post = (message: FromVm) => port.postMessage(message);
  if ('error' in started) post({ op: 'init-failed', message: started.error });
  else {
    const host = started.host;
    post({ op: 'ready', ...host.drainStartOutput() });
    const progress = new Int32Array(data.progress as SharedArrayBuffer);
    port.on('message', (message: ToVm) => {
      const outcomes: (Outcome | Failure)[] = [];
      message.calls.forEach((call, i) => {
        Atomics.add(progress, 0, 1);
        // Finished contexts run before the first callback, under its budget; what they log,
        // measure or call out for is reported with that callback's outcome.
        const logs: LogLine[] = [];
        const metrics: MetricOp[] = [];
        const calls: HttpCallOut[] = [];
        if (i === 0) {
          for (const ctx of message.finishes) {
            const done = host.run({ kind: 'finish', ctx });
            logs.push(...(done.logs ?? []));
            if (done.ok) {
              metrics.push(...(done.metrics ?? []));
              calls.push(...(done.calls ?? []));
            } else logs.push({ level: 4, message: `the filter failed after its request (proxy_on_done, proxy_on_log or proxy_on_delete): ${done.message}` });
          }
        }
        const outcome = host.run(call);
        if (logs.length === 0 && metrics.length === 0 && calls.length === 0) outcomes.push(outcome);
        else if (!outcome.ok) outcomes.push({ ...outcome, logs: [...logs, ...outcome.logs] });
        else outcomes.push({ ...outcome, logs: [...logs, ...(outcome.logs ?? [])], metrics: [...metrics, ...(outcome.metrics ?? [])], calls: [...calls, ...(outcome.calls ?? [])] });
      });
      post({ op: 'result', outcomes });
    });
  }
}
