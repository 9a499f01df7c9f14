/**
 * Writes a synthetic module of `.proto` files shaped like a real monorepo's: packages of a few
 * files each, messages with nested types, enums, maps, oneofs, services, well-known-type imports
 * and cross-package imports, with a sprinkle of lint problems so every rule has work to do.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeShape {
  readonly files: number;
  readonly filesPerPackage: number;
  /** Renames one field per file (a FIELD_SAME_NAME break) to make an "after" tree. */
  readonly variant: 'before' | 'after';
}

export async function generateTree(root: string, shape: TreeShape): Promise<void> {
  for (let i = 0; i < shape.files; i++) {
    const pkgIndex = Math.floor(i / shape.filesPerPackage);
    const pkg = `bench.domain${pkgIndex}.v1`;
    const dir = join(root, 'bench', `domain${pkgIndex}`, 'v1');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `entity_${i}.proto`), fileText(i, pkg, pkgIndex, shape));
  }
}

function fileText(i: number, pkg: string, pkgIndex: number, shape: TreeShape): string {
  const imports = ['google/protobuf/timestamp.proto', 'google/protobuf/field_mask.proto'];
  // Every file after the first in a package imports the package's first file: a realistic DAG.
  const first = pkgIndex * shape.filesPerPackage;
  if (i !== first) imports.push(`bench/domain${pkgIndex}/v1/entity_${first}.proto`);
  const name = `Entity${i}`;
  const renamed = shape.variant === 'after' ? 'display_title' : 'display_name';
  return `syntax = "proto3";

package ${pkg};

${imports.map((x) => `import "${x}";`).join('\n')}

option go_package = "example.com/bench/domain${pkgIndex}/v1;domainv1";

// ${name} is one of the generated entities.
service ${name}Service {
  // Reads one ${name}.
  rpc Get${name}(Get${name}Request) returns (Get${name}Response);
  // Updates fields of one ${name}.
  rpc Update${name}(Update${name}Request) returns (Update${name}Response);
  rpc Stream${name}s(Stream${name}sRequest) returns (stream Stream${name}sResponse);
}

message ${name} {
  string id = 1;
  string ${renamed} = 2;
  ${name}State state = 3;
  google.protobuf.Timestamp created_at = 4;
  map<string, string> labels = 5;
  oneof owner {
    string user_id = 6;
    string team_id = 7;
  }
  repeated Line lines = 8;
  int64 ${i % 7 === 0 ? 'totalCents' : 'total_cents'} = ${i % 11 === 0 ? 10 : 9};

  message Line {
    string sku = 1;
    int32 quantity = 2;
  }
}

enum ${name}State {
  ${i % 13 === 0 ? `${name.toUpperCase()}_STATE_NONE` : `${toUpperSnake(name)}_STATE_UNSPECIFIED`} = 0;
  ${toUpperSnake(name)}_STATE_ACTIVE = 1;
  ${toUpperSnake(name)}_STATE_ARCHIVED = 2;
}

message Get${name}Request { string id = 1; }
message Get${name}Response { ${name} entity = 1; }
message Update${name}Request {
  ${name} entity = 1;
  google.protobuf.FieldMask update_mask = 2;
}
message Update${name}Response { ${name} entity = 1; }
message Stream${name}sRequest { int32 page_size = 1; }
message Stream${name}sResponse { ${name} entity = 1; }
`;
}

function toUpperSnake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
