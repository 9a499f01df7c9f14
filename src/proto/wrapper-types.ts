/**
 * The scalar each google.protobuf wrapper message wraps (`Int64Value` -> int64): proto3 JSON
 * writes a wrapper as its bare scalar, so the transcoder (query parameters) and the OpenAPI
 * generator (schemas) both need the table.
 */
import { ScalarType } from '@bufbuild/protobuf';

export const wrapperScalars: Readonly<Record<string, ScalarType>> = {
  'google.protobuf.DoubleValue': ScalarType.DOUBLE,
  'google.protobuf.FloatValue': ScalarType.FLOAT,
  'google.protobuf.Int64Value': ScalarType.INT64,
  'google.protobuf.UInt64Value': ScalarType.UINT64,
  'google.protobuf.Int32Value': ScalarType.INT32,
  'google.protobuf.UInt32Value': ScalarType.UINT32,
  'google.protobuf.BoolValue': ScalarType.BOOL,
  'google.protobuf.StringValue': ScalarType.STRING,
  'google.protobuf.BytesValue': ScalarType.BYTES,
};
