// buf's RPC rules as buf applies them, checked against buf itself: RPC_REQUEST_RESPONSE_UNIQUE
// reports once per shared type per RPC and apart from that when one RPC has the same type on
// both sides (with the google.protobuf.Empty options changing which uses count), and the
// *_STANDARD_NAME rules compare with the PascalCase forms of the RPC and service names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lintBoth } from './buf-reference.js';
import { protoTree } from './proto-tree.js';

function serviceFile(body: string): string {
  return [
    'syntax = "proto3";',
    'package acme.v1;',
    'import "google/protobuf/empty.proto";',
    'message A {}',
    'message B {}',
    'message C {}',
    'message D {}',
    'message GetThingRequest {}',
    'message GetThingResponse {}',
    'message EchoServiceEchoRequest {}',
    'service echo_service {',
    body,
    '}',
    '',
  ].join('\n');
}

/** Lints one service with one buf.yaml lint section by both tools; returns buf's keys after checking ours match. */
async function agree(lint: string, body: string): Promise<string[]> {
  const tree = await protoTree({ 'buf.yaml': `version: v2\nlint:\n${lint}`, 'acme/v1/service.proto': serviceFile(body) });
  try {
    const { buf, ours } = await lintBoth(tree.dir);
    assert.deepEqual(ours, buf);
    return buf.map((k) => `${k.split(' ')[0]} ${k.split(':')[1]}`);
  } finally {
    await tree.remove();
  }
}

const UNIQUE = '  use: [RPC_REQUEST_RESPONSE_UNIQUE]\n';
const EMPTY_REQUESTS = '  rpc_allow_google_protobuf_empty_requests: true\n';
const EMPTY_RESPONSES = '  rpc_allow_google_protobuf_empty_responses: true\n';
const U = 'RPC_REQUEST_RESPONSE_UNIQUE';

describe('RPC_REQUEST_RESPONSE_UNIQUE, as buf reports it', () => {
  test('one finding per shared type per RPC, and one for the same type on both sides', async () => {
    const body = ['  rpc Same(A) returns (A);', '  rpc Other(A) returns (B);', '  rpc Both1(C) returns (D);', '  rpc Both2(C) returns (D);'].join('\n');
    // Line 12: Same shares A and uses it twice; 13: Other shares A; 14, 15 share C and D each.
    assert.deepEqual(await agree(UNIQUE, body), [`${U} 12`, `${U} 12`, `${U} 13`, `${U} 14`, `${U} 14`, `${U} 15`, `${U} 15`]);
  });

  test('rpc_allow_same_request_response silences only the same-type finding', async () => {
    const body = ['  rpc Same(A) returns (A);', '  rpc Other(A) returns (B);', '  rpc Alone(C) returns (C);'].join('\n');
    assert.deepEqual(await agree(`${UNIQUE}  rpc_allow_same_request_response: true\n`, body), [`${U} 12`, `${U} 13`]);
  });

  test('allowed Empty requests still count Empty responses, and the reverse', async () => {
    const body = ['  rpc R1(google.protobuf.Empty) returns (A);', '  rpc R2(google.protobuf.Empty) returns (B);', '  rpc S1(C) returns (google.protobuf.Empty);', '  rpc S2(D) returns (google.protobuf.Empty);'].join('\n');
    assert.deepEqual(await agree(`${UNIQUE}${EMPTY_REQUESTS}`, body), [`${U} 14`, `${U} 15`]);
    assert.deepEqual(await agree(`${UNIQUE}${EMPTY_RESPONSES}`, body), [`${U} 12`, `${U} 13`]);
  });

  test('Empty on both sides is allowed only when both Empty options are on', async () => {
    const body = '  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);';
    assert.deepEqual(await agree(`${UNIQUE}${EMPTY_REQUESTS}`, body), [`${U} 12`]);
    assert.deepEqual(await agree(`${UNIQUE}${EMPTY_REQUESTS}${EMPTY_RESPONSES}`, body), []);
  });
});

describe('RPC_REQUEST_STANDARD_NAME and RPC_RESPONSE_STANDARD_NAME compare PascalCase names', () => {
  test('snake_case RPC and service names expect their PascalCase message names', async () => {
    const body = ['  rpc get_thing(GetThingRequest) returns (GetThingResponse);', '  rpc echo(EchoServiceEchoRequest) returns (A);'].join('\n');
    const keys = await agree('  use: [RPC_REQUEST_STANDARD_NAME, RPC_RESPONSE_STANDARD_NAME]\n', body);
    // Only echo's response A is misnamed: get_thing's types and EchoServiceEchoRequest pass.
    assert.deepEqual(keys, ['RPC_RESPONSE_STANDARD_NAME 13']);
  });
});
