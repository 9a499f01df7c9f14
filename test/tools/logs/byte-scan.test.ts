// The byte-level hot path must count exactly what the string path counts: the byte parser
// (format/layout-bytes.ts) against the string parser on the same awkward lines, the key table
// (aggregate/key-table.ts) against a Map, and path shapes against route patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileApacheFormat } from '../../../src/tools/logs/format/apache-format.js';
import { compileNginxFormat } from '../../../src/tools/logs/format/nginx-format.js';
import { emptyByteRecord, layoutByteParser } from '../../../src/tools/logs/format/layout-bytes.js';
import { layoutParser } from '../../../src/tools/logs/format/layout-parser.js';
import { emptyRecord } from '../../../src/tools/logs/format/log-record.js';
import { PRESETS } from '../../../src/tools/logs/format/presets.js';
import type { Layout } from '../../../src/tools/logs/format/layout.js';
import { KeyTable } from '../../../src/tools/logs/aggregate/key-table.js';
import { readWordsOf } from '../../../src/tools/logs/aggregate/words.js';
import { pathShape, routePattern } from '../../../src/tools/logs/aggregate/route-pattern.js';

const combined = PRESETS['combined']?.() as Layout;
const apache = compileApacheFormat('%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D');
const proxied = compileNginxFormat('$remote_addr [$time_iso8601] "$request" $status $bytes_sent "$http_x_forwarded_for" $upstream_response_time');

const CASES: readonly [Layout, string][] = [
  [combined, '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /user/7?x=1 HTTP/1.1" 200 2326 "-" "curl/8"'],
  [combined, '2001:db8::1 - bob [10/Oct/2000:13:55:36 +0130] "POST /api/v1/orders HTTP/2.0" 201 - "https://a.test/" "Mozilla/5.0"'],
  [combined, '"198.51.100.4, 10.0.0.1" 10.2.1.185 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 0 "-" "x"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "-" 400 0 "-" "-"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /old-style" 200 17 "-" "-"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /x HTTP/1.1" 0200 +17 "-" "-"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /x HTTP/1.1" 999999 17 "-" "-"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /x HTTP/1.1" 200 -5 "-" "-"'],
  [combined, '10.0.0.1 - - [99/Foo/2000:13:55:36 +0000] "GET /x HTTP/1.1" 200 5 "-" "-"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /caf\xc3\xa9 HTTP/1.1" 200 5 "-" "-"'],
  [combined, '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /cut-short'],
  [combined, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
  [combined, ''],
  [apache, '10.0.0.2 - - [10/Oct/2000:13:55:36 -0700] "GET /q?\\"x\\" HTTP/1.1" 200 12 "-" "say \\"hi\\"" 1534'],
  [apache, '10.0.0.2 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12 "-" "-" 12.5e3'],
  [proxied, '10.0.0.3 [2024-05-01T12:00:00+02:00] "GET /a HTTP/1.1" 502 10 " 203.0.113.7 , 10.0.0.9" 0.004, 0.012'],
  [proxied, '10.0.0.3 [2024-05-01T12:00:00.250Z] "GET /a HTTP/1.1" 200 10 "-" -'],
  [proxied, '10.0.0.3 [2024-05-01T12:00:00Z] "GET /a HTTP/1.1" 200 10 "\xa0203.0.113.8\xa0" 1.'],
];

test('the byte parser reads every field of awkward lines exactly as the string parser does', () => {
  for (const [layout, line] of CASES) {
    const text = layoutParser(layout);
    const bytes = layoutByteParser(layout);
    const buf = Buffer.from(`junk${line}junk`, 'latin1'); // fields must stay within the line's bounds
    const want = emptyRecord();
    const ok = text(line, want);
    const got = emptyByteRecord();
    const okBytes = bytes(buf, 4, 4 + line.length, got);
    assert.equal(okBytes, ok, line);
    if (ok !== true) continue;
    const slice = (from: number, to: number): string => buf.toString('latin1', from, to);
    assert.deepEqual(
      {
        client: slice(got.clientStart, got.clientEnd),
        method: slice(got.methodStart, got.methodEnd),
        target: slice(got.targetStart, got.targetEnd),
        time: got.time,
        status: got.status,
        bytes: got.bytes,
        latencyUs: got.latencyUs,
      },
      { client: want.client, method: want.method, target: want.target, time: want.time, status: want.status, bytes: want.bytes, latencyUs: want.latencyUs },
      line,
    );
  }
});

test('the byte parser reads times right when consecutive lines share or change them (its time cache)', () => {
  const twoTimes = compileNginxFormat('$msec [$time_local] "$request" $status');
  const sequences: readonly [Layout, readonly string[]][] = [
    [combined, [
      '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.2 - - [10/Oct/2000:13:55:36 +0000] "GET /b HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.3 - - [10/Oct/2000:13:55:37 +0000] "GET /c HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.4 - - [10/Oct/2000:13:55:37 +0000]x"GET /d HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.5 - - [10/Oct/2000:13:55:37 +0000] "GET /e HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.6 - - [10/Oct/2000:13:55:37 +00001] "GET /f HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.7 - - [10/Oct/2000:13:55:37 +0000] "GET /g HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.8 - - [10/Oct/2000:13:55:37] "] "GET /h HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.9 - - [10/Oct/2000:13:55:37 +0000] "GET /i HTTP/1.1" 200 5 "-" "-"',
      '10.0.0.9 - - [10/Oct/2000:13:55:37 +0000] "GET /j',
      '10.0.0.9 - - [10/Oct/2000:13:55:37 +0000] "GET /k HTTP/1.1" 200 5 "-" "-"',
    ]],
    [twoTimes, [
      '1700000000.123 [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200',
      '1700000000.123 [10/Oct/2000:13:55:36 -0700] "GET /b HTTP/1.1" 200',
      '1700000000.5 [10/Oct/2000:13:55:36 -0700] "GET /c HTTP/1.1" 200',
      '10/Oct/2000:13:55:36 [1700000000.5] "GET /d HTTP/1.1" 200',
      '1700000000.5 [10/Oct/2000:13:55:36 -0700] "GET /e HTTP/1.1" 200',
      // The second time field starts with the first one's text and its own literal, which
      // also occurs earlier: it ends there, not after the repeated text.
      '5] "6 [5] "6] "GET /f HTTP/1.1" 200',
    ]],
  ];
  for (const [layout, lines] of sequences) {
    const text = layoutParser(layout);
    const bytes = layoutByteParser(layout);
    const got = emptyByteRecord();
    for (const line of [...lines, ...lines.slice().reverse()]) {
      const want = emptyRecord();
      const ok = text(line, want);
      const buf = Buffer.from(`${line}\n`, 'latin1');
      readWordsOf(buf);
      assert.equal(bytes(buf, 0, line.length, got), ok, line);
      if (ok !== true) continue;
      assert.equal(got.time, want.time, line);
      assert.equal(buf.toString('latin1', got.targetStart, got.targetEnd), want.target, line);
      assert.equal(buf.toString('latin1', got.methodStart, got.methodEnd), want.method, line);
      assert.equal(got.status, want.status, line);
    }
  }
});

test('the key table gives one ref per key, the empty one too, whether it arrives as bytes or as a string, and merges by adding', () => {
  const keys = ['/', '/a', '/user/1', '/user/10', '', '/caf\xc3\xa9', '/\u20ac-wide', ...Array.from({ length: 5000 }, (_, i) => `/p/${i * 7919}`)];
  const table = new KeyTable(2);
  const refs = new Map<string, number>();
  keys.forEach((key, i) => {
    const wide = /[^\x00-\xff]/.test(key);
    const ref = i % 2 === 0 || wide ? table.refOfString(key) : table.refOfBytes(Buffer.from(`<${key}>`, 'latin1'), 1, key.length + 1);
    refs.set(key, ref);
    table.values[ref] = (table.values[ref] as number) + 1;
    table.values[ref + 1] = i;
  });
  for (const [i, key] of keys.entries()) {
    if (!/[^\x00-\xff]/.test(key)) assert.equal(table.refOfBytes(Buffer.from(key, 'latin1'), 0, key.length), refs.get(key), key);
    assert.equal(table.refOfString(key), refs.get(key), key);
    assert.equal(table.key(refs.get(key) as number), key);
    assert.equal(table.refAt(i), refs.get(key), key);
    assert.equal(table.values[table.refAt(i) + 1], i, key);
  }
  assert.equal(table.size, keys.length);
  assert.deepEqual([...table.column(1)], keys.map((_, i) => i));

  const merged = new KeyTable(2);
  merged.addSnapshot(table.snapshot());
  merged.addSnapshot(table.snapshot());
  assert.equal(merged.size, keys.length);
  for (const key of keys) assert.equal(merged.values[merged.refOfString(key)], 2, key);
});

test('paths of one shape have one route pattern, and paths of different patterns never share a shape', () => {
  const paths = [
    '/user/1', '/user/22', '/user/1/edit', '/user/22/edit', '/user/x1', '/user/1x', '/', '//', '/user//1',
    '/2024-05-01/report', '/2024-05-02/report', '/img/12.png', '/img/13.png', '/img/12.jpg',
    '/u/550e8400-e29b-41d4-a716-446655440000', '/u/650e8400-e29b-41d4-a716-446655440000',
    'http://host/user/1', 'http://host/user/2', 'http://1/user', 'http://2/user', '/a\x00/1', '/a\x01\x02/1', '/a\x00\x01/1',
  ];
  const out = Buffer.alloc(256);
  const shapeOf = (p: string): string => {
    const buf = Buffer.from(p, 'latin1');
    return out.toString('latin1', 0, pathShape(buf, 0, buf.length, out));
  };
  for (const a of paths) {
    for (const b of paths) {
      if (shapeOf(a) === shapeOf(b)) assert.equal(routePattern(a), routePattern(b), `${a} and ${b} share a shape`);
    }
  }
  assert.equal(shapeOf('/user/1'), shapeOf('/user/22'));
  assert.notEqual(shapeOf('/a\x00/1'), shapeOf('/a\x01\x02/1'));
});
