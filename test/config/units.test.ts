import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseRate, parseSize } from '../../src/config/units.js';

test('durations as users write them', () => {
  const cases: [unknown, number | undefined][] = [
    ['250ms', 250], ['5s', 5000], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000], [750, 750], ['30', 30],
    ['5x', undefined], ['-1s', undefined], ['', undefined], [true, undefined],
  ];
  for (const [input, expected] of cases) assert.equal(parseDuration(input), expected, `parseDuration(${JSON.stringify(input)})`);
});

test('sizes are binary like nginx client_max_body_size', () => {
  const cases: [unknown, number | undefined][] = [
    ['10mb', 10 * 1024 * 1024], ['64kb', 65536], ['1g', 1024 ** 3], ['512', 512], [1024, 1024], ['10MB', 10 * 1024 * 1024],
    ['10 tb', undefined], ['lots', undefined], [1.5, undefined],
  ];
  for (const [input, expected] of cases) assert.equal(parseSize(input), expected, `parseSize(${JSON.stringify(input)})`);
});

test('rates', () => {
  assert.equal(parseRate('100/s'), 100);
  assert.equal(parseRate('600/m'), 10);
  assert.equal(parseRate('100'), undefined);
});
