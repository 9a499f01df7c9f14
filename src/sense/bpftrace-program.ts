/**
 * The bpftrace program the sensor runs. Tracepoints only (stable kernel ABI, no kprobes, so it
 * attaches on kernels built without them): `sched:sched_process_exec`,
 * `sock:inet_sock_set_state`, `tcp:tcp_retransmit_skb`. The filters run in the kernel, so a busy
 * machine's other processes and ports cost a comparison each, not a line of output.
 *
 * Output format, one event per line, fields separated by a tab; every free-text field goes
 * through `%r` (bpftrace escapes each non-printable byte, tab and newline included, as `\xNN`),
 * so no field can contain the separator or end the line:
 *
 *   SY1 exec    <pid> <worker pid> <worker comm> <comm> <argv, NUL-separated>
 *   SY1 tcp     <pid> <comm> <family> <sport> <dport> <saddr> <daddr> <old state> <new state>
 *   SY1 retrans <pid> <comm> <family> <sport> <dport> <saddr> <daddr> <state>
 *   SY1 ready   (once: bpftrace runs BEGIN after every probe is attached; its own
 *                "Attaching N probes..." comes before they are)
 */

/** How much of a started program's argv is read (a BPF program's stack is 512 bytes). */
export const ARGV_BYTES = 120;

export interface ProgramOptions {
  /** Upstream TCP ports: connections to them are watched; none: no tcp probes at all. */
  readonly ports: readonly number[];
  /** A program started by a process whose name begins so is reported (php-fpm's workers: `php-fpm8.2`). */
  readonly workerComm: string;
}

export function bpftraceProgram(options: ProgramOptions): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(options.workerComm)) throw new RangeError(`worker name '${options.workerComm}' must be 1-15 letters, digits, _ . or -`);
  const ports = [...new Set(options.ports)].filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  // The gateway's side of a connection to an upstream is the one whose far port is the upstream's:
  // a listener on this machine (the upstream's own side) is not watched.
  const portTest = ports.map((p) => `args->dport == ${p}`).join(' || ');
  const probes = [
    `BEGIN { printf("SY1\\tready\\n"); }`,
    `tracepoint:sched:sched_process_exec / strncmp(curtask->real_parent->comm, "${options.workerComm}", ${options.workerComm.length}) == 0 /
{
  $len = curtask->mm->arg_end - curtask->mm->arg_start;
  if ($len > ${ARGV_BYTES}) { $len = ${ARGV_BYTES}; }
  printf("SY1\\texec\\t%d\\t%d\\t%r\\t%r\\t%r\\n", pid, curtask->real_parent->tgid, buf(curtask->real_parent->comm, 16), buf(comm, 16), buf(uptr(curtask->mm->arg_start), $len));
}`,
  ];
  if (ports.length > 0) {
    probes.push(
      `tracepoint:sock:inet_sock_set_state / args->protocol == 6 && (${portTest}) /
{
  if (args->family == 2) {
    printf("SY1\\ttcp\\t%d\\t%r\\t4\\t%d\\t%d\\t%s\\t%s\\t%d\\t%d\\n", pid, buf(comm, 16), args->sport, args->dport, ntop(args->saddr), ntop(args->daddr), args->oldstate, args->newstate);
  } else {
    printf("SY1\\ttcp\\t%d\\t%r\\t6\\t%d\\t%d\\t%s\\t%s\\t%d\\t%d\\n", pid, buf(comm, 16), args->sport, args->dport, ntop(args->saddr_v6), ntop(args->daddr_v6), args->oldstate, args->newstate);
  }
}`,
      `tracepoint:tcp:tcp_retransmit_skb / ${portTest} /
{
  if (args->family == 2) {
    printf("SY1\\tretrans\\t%d\\t%r\\t4\\t%d\\t%d\\t%s\\t%s\\t%d\\n", pid, buf(comm, 16), args->sport, args->dport, ntop(args->saddr), ntop(args->daddr), args->state);
  } else {
    printf("SY1\\tretrans\\t%d\\t%r\\t6\\t%d\\t%d\\t%s\\t%s\\t%d\\n", pid, buf(comm, 16), args->sport, args->dport, ntop(args->saddr_v6), ntop(args->daddr_v6), args->state);
  }
}`,
    );
  }
  return `${probes.join('\n')}\n`;
}
