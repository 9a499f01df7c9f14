/**
 * bench:grpc's upstream, in its own process so its CPU is its own: a grpc-js server with one
 * unary method, /bench.Echo/Echo, that answers the request bytes as they came (no protobuf
 * decoding on either side: the bench measures the transport). Prints `listening PORT`.
 */
import * as grpc from '@grpc/grpc-js';

const same = (b: Buffer): Buffer => b;
const service = {
  Echo: { path: '/bench.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same, originalName: 'Echo' },
} as unknown as grpc.ServiceDefinition;
const server = new grpc.Server();
server.addService(service, { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request) });
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`listening ${port}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
