/**
 * CPU time (user + system) a process and all its descendants have used, from /proc (proc(5):
 * `stat` fields utime and stime, in clock ticks of 1/100 s; children from
 * task/<tid>/children). Dividing the difference over a wrk run by the requests served gives CPU
 * per request, which the machine's other load disturbs far less than req/s.
 */
import { readFile, readdir } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

export async function processTreeCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name may contain spaces; fields after it start at "state".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let total = (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const children = (await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')).trim();
    for (const child of children === '' ? [] : children.split(' ')) total += await processTreeCpuSeconds(Number(child));
  }
  return total;
}
