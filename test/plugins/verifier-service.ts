/**
 * The new service behind the bridge: verifies X-Switchyard-User against the gateway's JWKS
 * (fetched from the admin listener, as a real service would) and answers with the claims, or
 * 401 with jose's reason. It also reports whether the header came at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';

export interface VerifierService {
  readonly url: string;
  /** Where the JWKS is read from; set once the gateway's admin listener is known. */
  jwksUrl: string;
  close(): Promise<void>;
}

export async function startVerifier(): Promise<VerifierService> {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const service: VerifierService = {
    url: '',
    jwksUrl: '',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    const token = req.headers['x-switchyard-user'];
    if (typeof token !== 'string') return answer(200, { user: null });
    keys ??= createRemoteJWKSet(new URL(service.jwksUrl));
    jwtVerify(token, keys, { algorithms: ['EdDSA'], issuer: 'switchyard' }).then(
      ({ payload, protectedHeader }) => answer(200, { user: payload, kid: protectedHeader.kid }),
      (err: unknown) => answer(401, { error: (err as Error).message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (service as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}
