/** The JSON shapes the contract tools pass around: a schema object and an OpenAPI document. */

/** A JSON Schema object (draft-07 from the generator, 2020-12 in OpenAPI 3.1). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: { readonly schemas: Record<string, JsonSchema> };
}
