/**
 * What a long run watches: resident memory and open file descriptors of a process and all its
 * descendants (a `serve --workers N` primary and its workers), read from /proc (proc(5):
 * status VmRSS, the entries of fd/, children from task/<tid>/children).
 */
import { readFile, readdir } from 'node:fs/promises';

export interface ProcessSample {
  readonly rssKb: number;
  readonly fds: number;
  readonly processes: number;
}

async function descendants(pid: number): Promise<number[]> {
  const out = [pid];
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const children = (await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')).trim();
    for (const child of children === '' ? [] : children.split(' ')) out.push(...(await descendants(Number(child))));
  }
  return out;
}

export async function sampleProcessTree(pid: number): Promise<ProcessSample> {
  let rssKb = 0;
  let fds = 0;
  const pids = await descendants(pid);
  for (const p of pids) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    rssKb += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    fds += (await readdir(`/proc/${p}/fd`).catch(() => [] as string[])).length;
  }
  return { rssKb, fds, processes: pids.length };
}
