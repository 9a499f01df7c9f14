// The word-at-a-time readers (aggregate/words.ts) must give what a byte loop gives, at every
// alignment of the key in its buffer and of the buffer in its ArrayBuffer, right up to the
// buffer's end; and the IPv4 table's 32-bit slots must not lose counts past 32 bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashBytes } from '../../../src/tools/logs/aggregate/key-table.js';
import { Ipv4Table } from '../../../src/tools/logs/aggregate/ipv4-table.js';
import { findByte, readWordsOf, sameBytes } from '../../../src/tools/logs/aggregate/words.js';

/** `text` at `offset` of a fresh ArrayBuffer of `offset + text.length + tail` bytes, as a Buffer of the text alone. */
function placed(text: string, offset: number, tail: number): Buffer {
  const ab = new ArrayBuffer(offset + text.length + tail);
  const buf = Buffer.from(ab, offset, text.length);
  buf.write(text, 'latin1');
  return buf;
}

const TEXT = 'Mozilla/5.0 (X11; Linux x86_64) "quoted" \xff\x00\x01\x22\x23 end-of-line"';

test('findByte finds the first occurrence in a range, as a byte loop does, at every alignment', () => {
  for (let offset = 0; offset < 4; offset++) {
    for (let tail = 0; tail < 4; tail++) {
      const buf = placed(TEXT, offset, tail);
      for (const read of [false, true]) {
        if (read) readWordsOf(buf);
        else readWordsOf(Buffer.alloc(8)); // another buffer: byte loop
        for (const c of [0x22, 0x23, 0x00, 0x01, 0xff, 0x20, 0x7a]) {
          for (let from = 0; from <= buf.length; from++) {
            for (const end of [buf.length, buf.length - 1, from + 9, from + 3, from]) {
              if (end < from || end > buf.length) continue;
              let want = -1;
              for (let i = from; i < end; i++) if (buf[i] === c) { want = i; break; }
              assert.equal(findByte(buf, c, from, end), want, `c=${c} from=${from} end=${end} offset=${offset} tail=${tail}`);
            }
          }
        }
      }
    }
  }
});

test('hashBytes and sameBytes read words as the byte loop does, at every alignment and up to the end', () => {
  const arenaAb = new ArrayBuffer(256);
  const arena = Buffer.from(arenaAb);
  const arenaWords = new Int32Array(arenaAb);
  for (let offset = 0; offset < 4; offset++) {
    for (let tail = 0; tail < 4; tail++) {
      const buf = placed(TEXT, offset, tail);
      const copy = Buffer.from(TEXT, 'latin1'); // the reference: never the buffer words are read from
      for (let start = 0; start < buf.length; start++) {
        for (let end = start; end <= buf.length; end++) {
          readWordsOf(buf);
          const h = hashBytes(buf, start, end);
          readWordsOf(Buffer.alloc(8));
          assert.equal(h, hashBytes(copy, start, end), `hash ${start}-${end} offset=${offset} tail=${tail}`);
          arena.fill(0);
          copy.copy(arena, 8, start, end);
          readWordsOf(buf);
          assert.equal(sameBytes(buf, start, end - start, arena, arenaWords, 8), true);
          if (end > start) {
            const flip = (i: number, bit: number): void => void (arena[i] = (arena[i] as number) ^ bit);
            flip(8 + end - start - 1, 1); // differs in the last byte only
            assert.equal(sameBytes(buf, start, end - start, arena, arenaWords, 8), false);
            flip(8 + end - start - 1, 1);
            flip(8, 0x80); // and in the first only
            assert.equal(sameBytes(buf, start, end - start, arena, arenaWords, 8), false);
          }
        }
      }
    }
  }
});

test('an IPv4 count past 32 bits is kept whole', () => {
  const table = new Ipv4Table();
  table.add(0xc0a80001, 0xffffffff);
  table.add(0xc0a80001, 5);
  table.add(0x0a000001, 2 ** 40 + 3);
  table.add(0x0a000001, 1);
  table.add(0xffffffff, 7);
  assert.deepEqual(new Map(table.entries()), new Map([[0xc0a80001, 0xffffffff + 5], [0x0a000001, 2 ** 40 + 4], [0xffffffff, 7]]));
  const { keys, values } = table.toArrays();
  assert.equal(values[[...keys].indexOf(0x0a000001)], 2 ** 40 + 4);
});
