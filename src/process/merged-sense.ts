/**
 * `/admin/sense` on the primary of `serve --workers N`. A posted event goes to every worker: each
 * feeds its own clusters (ejection is per worker) and tries to name the request behind an exec,
 * which only the worker that served it can. The primary keeps the merged event (the request id
 * whichever worker found it) in a list of its own, the newest `sense.keep`, and GET answers from
 * that list, so each event is listed once.
 */
import { request } from 'undici';
import { sendJson, type AdminEndpoint } from '../admin/endpoint.js';
import { sensePostEndpoint, senseListEndpoint } from '../admin/sense.js';
import { SwitchyardError } from '../errors.js';
import type { SenseEvent } from '../sense/event.js';

export function mergedSenseEndpoints(workerAdmins: () => readonly string[], keep: () => number): AdminEndpoint[] {
  const events: SenseEvent[] = [];
  const post: AdminEndpoint = {
    ...sensePostEndpoint,
    async handle(exchange) {
      const bases = workerAdmins();
      if (bases.length === 0) throw new SwitchyardError('SY_ERR_SHUTTING_DOWN', 'no worker is running to answer this admin endpoint');
      const chunks: Buffer[] = [];
      for await (const chunk of exchange.req as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const authorization = exchange.req.headers.authorization;
      const answers = await Promise.all(
        bases.map(async (base) => {
          const res = await request(`${base}/admin/sense`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
            body,
            signal: exchange.signal,
          });
          return { status: res.statusCode, text: await res.body.text() };
        }),
      );
      const ok = answers.filter((a) => a.status === 200).map((a) => (JSON.parse(a.text) as { events: SenseEvent[] }).events);
      const first = ok[0];
      if (first === undefined) {
        // Every worker refused it (a malformed body): their answer is the answer.
        const refusal = answers[0] as (typeof answers)[number];
        exchange.res.writeHead(refusal.status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(refusal.text), 'cache-control': 'no-store' }).end(refusal.text);
        return;
      }
      const merged = first.map((event, i) => ({ ...event, requestId: ok.map((stored) => stored[i]?.requestId ?? null).find((id) => id !== null) ?? null }));
      events.push(...merged);
      const over = events.length - keep();
      if (over > 0) events.splice(0, over);
      sendJson(exchange.res, 200, { events: merged });
    },
  };
  const list: AdminEndpoint = {
    ...senseListEndpoint,
    async handle(exchange) {
      sendJson(exchange.res, 200, { events });
    },
  };
  return [list, post];
}
