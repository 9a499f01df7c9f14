// Name-case conversions decide FIELD_LOWER_SNAKE_CASE, *_PASCAL_CASE and ENUM_VALUE_PREFIX; these
// rows are names where a naive regex and buf disagree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toLowerSnakeCase, toPascalCase, toUpperSnakeCase } from '../../../src/tools/proto/lint/naming-case.js';

test('lower_snake_case', () => {
  const rows: [string, string][] = [
    ['order_id', 'order_id'],
    ['orderId', 'order_id'],
    ['HTTPHeader', 'http_header'],
    ['field__double', 'field_double'],
    ['trailing_', 'trailing'],
    ['_leading', 'leading'],
    ['number2words', 'number2words'],
    ['v2Api', 'v2_api'],
  ];
  for (const [input, expected] of rows) assert.equal(toLowerSnakeCase(input), expected, input);
});

test('UPPER_SNAKE_CASE and PascalCase', () => {
  assert.equal(toUpperSnakeCase('HTTPStatus'), 'HTTP_STATUS');
  assert.equal(toUpperSnakeCase('COLOR_green'), 'COLOR_GREEN');
  assert.equal(toPascalCase('cart_line'), 'CartLine');
  assert.equal(toPascalCase('HTTPRequestInfo'), 'HTTPRequestInfo');
  assert.equal(toPascalCase('add_item'), 'AddItem');
});
