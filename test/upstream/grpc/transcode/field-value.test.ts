// URL text into field values with grpc-gateway v2's rules (runtime/query.go parseField and
// parseMessage): Go's strconv syntax, Go durations, base64 both alphabets, enums by name or number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScalarType, type DescEnum } from '@bufbuild/protobuf';
import { FieldValueError, parseBytes, parseEnum, parseGoDuration, parseScalar } from '../../../../src/upstream/grpc/transcode/field-value.js';

test('booleans as Go strconv.ParseBool takes them', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseScalar(ScalarType.BOOL, t), true, t);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseScalar(ScalarType.BOOL, f), false, f);
  for (const bad of ['yes', 'tRUE', '', ' true']) assert.throws(() => parseScalar(ScalarType.BOOL, bad), FieldValueError, bad);
});

test('integers in range, base 10, with an optional sign (unsigned: no minus)', () => {
  assert.equal(parseScalar(ScalarType.INT32, '-2147483648'), -2147483648);
  assert.equal(parseScalar(ScalarType.INT32, '+5'), 5);
  assert.throws(() => parseScalar(ScalarType.INT32, '2147483648'), /out of range/);
  assert.throws(() => parseScalar(ScalarType.INT32, '1.5'), /not a 32-bit integer/);
  assert.throws(() => parseScalar(ScalarType.INT32, '0x10'), FieldValueError);
  assert.equal(parseScalar(ScalarType.INT64, '-9223372036854775808'), -9223372036854775808n);
  assert.equal(parseScalar(ScalarType.INT64, '9223372036854775807', true), '9223372036854775807');
  assert.throws(() => parseScalar(ScalarType.INT64, '9223372036854775808'), /out of range/);
  assert.equal(parseScalar(ScalarType.UINT64, '18446744073709551615'), 18446744073709551615n);
  assert.throws(() => parseScalar(ScalarType.UINT32, '-1'), FieldValueError);
  assert.throws(() => parseScalar(ScalarType.UINT32, '4294967296'), /out of range/);
});

test('floats, including inf and nan; float32 range checked', () => {
  assert.equal(parseScalar(ScalarType.DOUBLE, '1e3'), 1000);
  assert.equal(parseScalar(ScalarType.DOUBLE, '.5'), 0.5);
  assert.equal(parseScalar(ScalarType.DOUBLE, '-Inf'), -Infinity);
  assert.ok(Number.isNaN(parseScalar(ScalarType.DOUBLE, 'NaN') as number));
  assert.throws(() => parseScalar(ScalarType.FLOAT, '1e39'), /out of range/);
  assert.throws(() => parseScalar(ScalarType.DOUBLE, 'one'), /not a number/);
});

test('bytes: standard base64 first, then URL-safe; padding required', () => {
  assert.deepEqual([...parseBytes('+/8=')], [0xfb, 0xff]);
  assert.deepEqual([...parseBytes('-_8=')], [0xfb, 0xff]);
  assert.deepEqual([...parseBytes('')], []);
  assert.throws(() => parseBytes('+/8'), /not base64/);
  assert.throws(() => parseBytes('%%'), /not base64/);
});

test("durations in Go's syntax, to nanoseconds", () => {
  const cases: [string, bigint][] = [
    ['0', 0n],
    ['1h30m', 5_400_000_000_000n],
    ['1.5s', 1_500_000_000n],
    ['-300ms', -300_000_000n],
    ['2us', 2_000n],
    ['2µs', 2_000n],
    ['7ns', 7n],
    ['1h1m1s1ms', 3_661_001_000_000n],
  ];
  for (const [text, ns] of cases) assert.equal(parseGoDuration(text), ns, text);
  for (const bad of ['', '10', '1d', 's', '1.5', '-', '3000000h']) assert.throws(() => parseGoDuration(bad), FieldValueError, bad);
});

test('enums by name, else by a number the enum declares', () => {
  const genre = { typeName: 'library.v1.Genre', values: [{ name: 'GENRE_UNSPECIFIED', number: 0 }, { name: 'FICTION', number: 1 }] } as unknown as DescEnum;
  assert.equal(parseEnum(genre, 'FICTION'), 1);
  assert.equal(parseEnum(genre, '1'), 1);
  assert.throws(() => parseEnum(genre, '7'), /not a value of library.v1.Genre/);
  assert.throws(() => parseEnum(genre, 'fiction'), FieldValueError);
});
