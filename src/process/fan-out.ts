/**
 * An admin endpoint that asks every worker's private admin listener the same request (method GET,
 * same path and query, the client's Authorization) and merges the JSON answers. Answers other
 * than 200 are left out of the merge (a worker that has not seen a key answers 400); when no
 * worker answered 200, the first answer goes back as it came.
 */
import { request } from 'undici';
import { sendJson, type AdminEndpoint } from '../admin/endpoint.js';
import { SwitchyardError } from '../errors.js';

export function fanOutEndpoint<T>(path: string, workerAdmins: () => readonly string[], merge: (answers: readonly T[], query: URLSearchParams) => unknown): AdminEndpoint {
  return {
    method: 'GET',
    path,
    async handle(exchange) {
      const bases = workerAdmins();
      if (bases.length === 0) throw new SwitchyardError('SY_ERR_SHUTTING_DOWN', 'no worker is running to answer this admin endpoint');
      const authorization = exchange.req.headers.authorization;
      const answers = await Promise.all(
        bases.map(async (base) => {
          const res = await request(`${base}${exchange.req.url ?? path}`, {
            headers: authorization === undefined ? {} : { authorization },
            signal: exchange.signal,
          });
          return { status: res.statusCode, contentType: String(res.headers['content-type']), text: await res.body.text() };
        }),
      );
      const ok = answers.filter((a) => a.status === 200).map((a) => JSON.parse(a.text) as T);
      if (ok.length > 0) {
        sendJson(exchange.res, 200, merge(ok, new URLSearchParams(exchange.query)));
        return;
      }
      const first = answers[0] as (typeof answers)[number];
      exchange.res.writeHead(first.status, { 'content-type': first.contentType, 'content-length': Buffer.byteLength(first.text), 'cache-control': 'no-store' }).end(first.text);
    },
  };
}
