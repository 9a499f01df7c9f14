/**
 * REST/JSON to gRPC transcoding with grpc-gateway v2's semantics (docs/grpc.md): what a grpc
 * upstream and the gateway's route building use.
 */
export { createTranscoder, type Transcoder, type TranscoderConfig, type BindingInfo } from './transcoder.js';
export { parsePathTemplate, type PathTemplate, type TemplateSegment, type TemplateVariable } from './path-template.js';
export { transcodedRoutes, type TranscodedRoute } from './route-syntax.js';
