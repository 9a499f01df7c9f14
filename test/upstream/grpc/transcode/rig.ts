/**
 * The transcoding tests' setup: the library grpc-js server, the stand-in invoker to it, a
 * transcoder over the fixture's descriptors, and an exchange server serving it on loopback; plus
 * the check that a REST answer is, field by field, @bufbuild/protobuf's toJson of the message
 * the server sent, with grpc-gateway's `null` for unset message fields.
 */
import assert from 'node:assert/strict';
import { toJson, type DescMessage, type JsonObject, type JsonValue, type Message } from '@bufbuild/protobuf';
import type { GrpcJsonOptions, GrpcUpstreamConfig, RouteConfig } from '../../../../src/config/types.js';
import { createTranscoder, type Transcoder } from '../../../../src/upstream/grpc/transcode/index.js';
import { startExchangeServer, type ExchangeServer } from '../../../helpers/exchange-server.js';
import { startLibraryServer, type LibraryServer } from './library-server.js';
import { testInvoker, type TestInvoker } from './h2-invoker.js';

export interface Rig {
  readonly library: LibraryServer;
  readonly invoker: TestInvoker;
  readonly transcoder: Transcoder;
  readonly gateway: ExchangeServer;
  close(): Promise<void>;
}

export const GATEWAY_JSON: GrpcJsonOptions = { emitUnpopulated: true, useProtoNames: false, useEnumNumbers: false };

export async function startRig(options: Partial<Pick<GrpcUpstreamConfig, 'json' | 'unknownQueryParameters' | 'timeouts'>> & { route?: Partial<RouteConfig> } = {}): Promise<Rig> {
  const library = await startLibraryServer();
  const invoker = testInvoker(library.port);
  const transcoder = createTranscoder({ name: 'library', descriptors: library.descriptors, json: options.json ?? GATEWAY_JSON, unknownQueryParameters: options.unknownQueryParameters ?? 'ignore', ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }) });
  const gateway = await startExchangeServer({ handler: { handle: (exchange) => transcoder.handle(exchange, invoker) }, ...(options.route === undefined ? {} : { route: options.route }) });
  return {
    library,
    invoker,
    transcoder,
    gateway,
    close: async () => {
      await gateway.close();
      await invoker.close();
      await library.close();
    },
  };
}

/**
 * `actual` holds every field of toJson(schema, sent) with the same value, and nothing else but
 * `null` for unset singular message fields (protojson's EmitUnpopulated), recursively.
 */
export function assertMessageJson(actual: JsonValue, schema: DescMessage, sent: Message, rig: Rig): void {
  const expected = toJson(schema, sent, { alwaysEmitImplicit: true, registry: rig.library.registry });
  compare(actual, expected, schema, '$');
}

function compare(actual: JsonValue, expected: JsonValue, schema: DescMessage | undefined, at: string): void {
  if (schema === undefined || schema.typeName.startsWith('google.protobuf.') || !isObject(expected)) {
    assert.deepEqual(actual, expected, at);
    return;
  }
  assert.ok(isObject(actual), `${at} is an object`);
  for (const field of schema.fields) {
    const key = field.jsonName;
    const sub = field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message') || (field.fieldKind === 'map' && field.mapKind === 'message') ? field.message : undefined;
    if (!(key in expected)) {
      if (field.fieldKind === 'message' && field.oneof === undefined) assert.equal(actual[key], null, `${at}.${key} is null (unset message)`);
      else assert.ok(!(key in actual), `${at}.${key} is absent`);
      continue;
    }
    const e = expected[key] as JsonValue;
    const a = actual[key] as JsonValue;
    if (field.fieldKind === 'list' && Array.isArray(e)) {
      assert.ok(Array.isArray(a) && a.length === e.length, `${at}.${key} has ${e.length} items`);
      e.forEach((item, i) => compare((a as JsonValue[])[i] as JsonValue, item, sub, `${at}.${key}[${i}]`));
    } else if (field.fieldKind === 'map' && isObject(e)) {
      assert.deepEqual(Object.keys(a as JsonObject).sort(), Object.keys(e).sort(), `${at}.${key} keys`);
      for (const k of Object.keys(e)) compare((a as JsonObject)[k] as JsonValue, e[k] as JsonValue, sub, `${at}.${key}.${k}`);
    } else compare(a, e, sub, `${at}.${key}`);
  }
  for (const key of Object.keys(actual)) assert.ok(schema.fields.some((f) => f.jsonName === key), `${at}.${key} is a field`);
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** The last message the server received for `method`. */
export function lastRequest(rig: Rig, method: string): Message {
  const list = rig.library.received.get(method);
  assert.ok(list !== undefined && list.length > 0, `the server received ${method}`);
  return list[list.length - 1] as Message;
}

export function lastSent(rig: Rig, method: string): Message {
  const list = rig.library.sent.get(method);
  assert.ok(list !== undefined && list.length > 0, `the server sent ${method}`);
  return list[list.length - 1] as Message;
}

/** The request the server got, as JSON (proto names, defaults left out) for compact assertions. */
export function requestJson(rig: Rig, method: string, schema: string): JsonValue {
  return toJson(rig.library.schema(schema), lastRequest(rig, method), { useProtoFieldName: true, registry: rig.library.registry });
}
