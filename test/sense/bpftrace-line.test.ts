// The sensor's reading of bpftrace's output, line by line: each kind of event, and lines that are
// not events (truncated, garbled, bpftrace's own messages), which must be refused, never thrown on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBpftraceLine } from '../../src/sense/bpftrace-line.js';
import { bpftraceProgram } from '../../src/sense/bpftrace-program.js';

const T = '\t';
const comm = (name: string) => name + '\\x00'.repeat(16 - name.length);

test('an exec line gives the worker, the program and its argv', () => {
  const line = ['SY1', 'exec', '4242', '4100', comm('php-fpm8.2'), comm('sh'), '/bin/sh\\x00-c\\x00/bin/sh -c true\\x00'].join(T);
  assert.deepEqual(parseBpftraceLine(line), { kind: 'exec', pid: 4242, worker: 4100, workerComm: 'php-fpm8.2', comm: 'sh', argv: ['/bin/sh', '-c', '/bin/sh -c true'] });
});

test('escaped tabs, newlines and UTF-8 in argv come back as the bytes they were', () => {
  const line = ['SY1', 'exec', '1', '2', comm('php-fpm'), comm('echo'), 'echo\\x00a\\x09b\\x0ac\\x00Jos\\xc3\\xa9'].join(T);
  const record = parseBpftraceLine(line);
  assert.equal(record?.kind, 'exec');
  // An argv cut by the 120-byte read keeps its partial last string.
  assert.deepEqual(record?.kind === 'exec' ? record.argv : undefined, ['echo', 'a\tb\nc', 'José']);
});

test('tcp state changes, IPv4 and IPv6, with named states', () => {
  assert.deepEqual(parseBpftraceLine(['SY1', 'tcp', '77', comm('node'), '4', '40312', '8081', '127.0.0.1', '127.0.0.1', '2', '1'].join(T)), {
    kind: 'tcp', pid: 77, comm: 'node', sport: 40312, dport: 8081, saddr: '127.0.0.1', daddr: '127.0.0.1', from: 'SYN_SENT', to: 'ESTABLISHED',
  });
  const v6 = parseBpftraceLine(['SY1', 'tcp', '0', comm('swapper/0'), '6', '40312', '8081', '::1', '::1', '1', '4'].join(T));
  assert.equal(v6?.kind === 'tcp' ? `${v6.daddr} ${v6.from}->${v6.to}` : undefined, '::1 ESTABLISHED->FIN_WAIT1');
});

test('a retransmit gives the state of its connection', () => {
  const record = parseBpftraceLine(['SY1', 'retrans', '0', comm('swapper/1'), '4', '40312', '8081', '10.0.0.5', '10.0.0.6', '2'].join(T));
  assert.deepEqual(record, { kind: 'retransmit', pid: 0, comm: 'swapper/1', sport: 40312, dport: 8081, saddr: '10.0.0.5', daddr: '10.0.0.6', state: 'SYN_SENT' });
});

const malformed: [string, string][] = [
  ['empty', ''],
  ["bpftrace's header", 'Attaching 3 probes...'],
  ['another prefix', ['SY2', 'tcp', '1', comm('x'), '4', '1', '2', '127.0.0.1', '127.0.0.1', '2', '1'].join(T)],
  ['unknown kind', ['SY1', 'open', '1'].join(T)],
  ['truncated exec', ['SY1', 'exec', '4242', '4100', comm('php-fpm')].join(T)],
  ['exec with an extra field', ['SY1', 'exec', '1', '2', comm('a'), comm('b'), 'x', 'y'].join(T)],
  ['pid not a number', ['SY1', 'exec', '42a', '4100', comm('php-fpm'), comm('sh'), 'sh'].join(T)],
  ['negative pid', ['SY1', 'exec', '-1', '4100', comm('php-fpm'), comm('sh'), 'sh'].join(T)],
  ['raw control byte in a field', ['SY1', 'exec', '1', '2', comm('php-fpm'), comm('sh'), 'sh\u0001'].join(T)],
  ['raw non-ASCII in a field', ['SY1', 'exec', '1', '2', comm('php-fpm'), comm('sh'), 'shé'].join(T)],
  ['port out of range', ['SY1', 'tcp', '1', comm('x'), '4', '70000', '8081', '127.0.0.1', '127.0.0.1', '2', '1'].join(T)],
  ['state 0', ['SY1', 'tcp', '1', comm('x'), '4', '1', '8081', '127.0.0.1', '127.0.0.1', '0', '1'].join(T)],
  ['state beyond the known', ['SY1', 'tcp', '1', comm('x'), '4', '1', '8081', '127.0.0.1', '127.0.0.1', '2', '13'].join(T)],
  ['bad address', ['SY1', 'tcp', '1', comm('x'), '4', '1', '8081', '127.0.0.x', '127.0.0.1', '2', '1'].join(T)],
  ['unknown family', ['SY1', 'retrans', '1', comm('x'), '5', '1', '8081', '127.0.0.1', '127.0.0.1', '2'].join(T)],
  ['line cut mid-field', ['SY1', 'tcp', '1', comm('x'), '4', '1', '8081', '127.0.0.1', '127.0.0.1', '2'].join(T)],
];
for (const [what, line] of malformed) {
  test(`refused: ${what}`, () => {
    assert.equal(parseBpftraceLine(line), undefined);
  });
}

test('the program watches only the given ports, on the gateway side, and refuses an odd worker name', () => {
  const program = bpftraceProgram({ ports: [8081, 9000, 8081], workerComm: 'php-fpm' });
  assert.match(program, /args->dport == 8081 \|\| args->dport == 9000 \//);
  assert.doesNotMatch(program, /sport ==/);
  assert.doesNotMatch(bpftraceProgram({ ports: [], workerComm: 'php-fpm' }), /inet_sock_set_state|tcp_retransmit_skb/);
  assert.throws(() => bpftraceProgram({ ports: [], workerComm: 'php"; system("x' }), RangeError);
});
