/**
 * Reads one line of the sensor's bpftrace output (the format is in bpftrace-program.ts) into a
 * record, or undefined when the line is not one: the caller counts those and goes on, so a
 * truncated line, a bpftrace warning or a future field never stops the sensor.
 */

export type KernelRecord =
  | { readonly kind: 'exec'; readonly pid: number; readonly worker: number; readonly workerComm: string; readonly comm: string; readonly argv: readonly string[] }
  | { readonly kind: 'tcp'; readonly pid: number; readonly comm: string; readonly sport: number; readonly dport: number; readonly saddr: string; readonly daddr: string; readonly from: string; readonly to: string }
  | { readonly kind: 'retransmit'; readonly pid: number; readonly comm: string; readonly sport: number; readonly dport: number; readonly saddr: string; readonly daddr: string; readonly state: string };

/** The kernel's TCP states (include/net/tcp_states.h), named without the TCP_ prefix. */
export const TCP_STATES: readonly string[] = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

export function parseBpftraceLine(line: string): KernelRecord | undefined {
  const f = line.split('\t');
  if (f[0] !== 'SY1') return undefined;
  switch (f[1]) {
    case 'exec': {
      if (f.length !== 7) return undefined;
      const pid = integer(f[2]);
      const worker = integer(f[3]);
      const workerComm = cString(f[4]);
      const comm = cString(f[5]);
      const argv = unescape(f[6] as string);
      if (pid === undefined || worker === undefined || workerComm === undefined || comm === undefined || argv === undefined) return undefined;
      // argv is NUL-terminated strings back to back; the read may stop inside the last one.
      const args = argv.toString('utf8').split('\0');
      if (args.at(-1) === '') args.pop();
      return { kind: 'exec', pid, worker, workerComm, comm, argv: args };
    }
    case 'tcp':
    case 'retrans': {
      const tcp = f[1] === 'tcp';
      if (f.length !== (tcp ? 11 : 10)) return undefined;
      const pid = integer(f[2]);
      const comm = cString(f[3]);
      const family = f[4];
      const sport = port(f[5]);
      const dport = port(f[6]);
      const saddr = address(f[7], family);
      const daddr = address(f[8], family);
      const states = (tcp ? [f[9], f[10]] : [f[9]]).map(state);
      if (pid === undefined || comm === undefined || sport === undefined || dport === undefined || saddr === undefined || daddr === undefined) return undefined;
      if (states.some((s) => s === undefined)) return undefined;
      const [a, b] = states as string[];
      if (tcp) return { kind: 'tcp', pid, comm, sport, dport, saddr, daddr, from: a as string, to: b as string };
      return { kind: 'retransmit', pid, comm, sport, dport, saddr, daddr, state: a as string };
    }
    default:
      return undefined;
  }
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  return Number(text);
}

function port(text: string | undefined): number | undefined {
  const n = integer(text);
  return n !== undefined && n < 65536 ? n : undefined;
}

function state(text: string | undefined): string | undefined {
  const n = integer(text);
  return n === undefined || n === 0 ? undefined : TCP_STATES[n];
}

function address(text: string | undefined, family: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (family === '4') return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? text : undefined;
  if (family === '6') return /^[0-9a-f:.]{2,45}$/i.test(text) ? text : undefined;
  return undefined;
}

/** A fixed-size kernel char array (comm): up to its first NUL. */
function cString(text: string | undefined): string | undefined {
  const bytes = text === undefined ? undefined : unescape(text);
  if (bytes === undefined) return undefined;
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

/**
 * Undoes bpftrace's `%r`: printable ASCII as is, every other byte as `\xNN`. A backslash is not
 * escaped by bpftrace, so `\x` followed by two hex digits in the data itself reads as one byte;
 * only text shown to people (a command line) can be affected, never the framing.
 */
function unescape(text: string): Buffer | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
    if (c === 0x5c && text[i + 1] === 'x' && /^[0-9a-f]{2}$/i.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out);
}
