/**
 * Test fixture: an OpenAPI 3.1 document for a small users API, the same operations in OpenAPI 3.0
 * (with `nullable`), and a real HTTP service behind the gateway whose answers a test switches:
 * a user as the contract says, or one that drifted (a string age, an extra member, a status the
 * contract does not declare).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SPEC_31 = `openapi: 3.1.0
info: { title: users, version: '1' }
paths:
  /users/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: integer, minimum: 1 } }
    get:
      operationId: getUser
      parameters:
        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }
        - { name: tags, in: query, schema: { type: array, items: { type: string, enum: [a, b] } } }
        - { name: verbose, in: query, schema: { type: boolean } }
        - { name: x-tenant, in: header, required: true, schema: { type: string, pattern: '^[a-z]+$' } }
      responses:
        '200':
          description: the user
          content:
            application/json:
              schema: { $ref: '#/components/schemas/User' }
        '404':
          description: no such user
          content:
            application/problem+json:
              schema: { type: object }
    put:
      operationId: putUser
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/User' }
      responses:
        '200':
          description: stored
          content:
            application/json:
              schema: { $ref: '#/components/schemas/User' }
components:
  schemas:
    User:
      type: object
      additionalProperties: false
      required: [name, age]
      properties:
        name: { type: string, minLength: 1 }
        age: { type: integer, minimum: 0 }
        email: { type: [string, 'null'], format: email }
`;

export const SPEC_30 = `openapi: 3.0.3
info: { title: users, version: '1' }
paths:
  /users/{id}:
    put:
      operationId: putUser
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/User' }
      responses:
        '200': { description: stored }
components:
  schemas:
    User:
      type: object
      additionalProperties: false
      required: [name]
      properties:
        name: { type: string }
        nick: { type: string, nullable: true }
        score: { type: number, minimum: 0, exclusiveMinimum: true }
`;

export type Answer = 'ok' | 'drifted' | 'teapot' | 'not-json';

export interface UsersService {
  readonly url: string;
  answer: Answer;
  /** Bodies the service received, in order. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startUsersService(): Promise<UsersService> {
  const service = { answer: 'ok' as Answer, received: [] as string[] } as UsersService & { url: string };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      service.received.push(Buffer.concat(chunks).toString('utf8'));
      switch (service.answer) {
        case 'ok':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'ada', age: 36, email: null }));
          return;
        case 'drifted':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'ada', age: '36', nick: 'a' }));
          return;
        case 'teapot':
          res.writeHead(418, { 'content-type': 'text/plain' }).end('short and stout');
          return;
        case 'not-json':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"name": ');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return service;
}
