/**
 * `GET /admin/sense`: the kernel sensor's events, oldest first (SPEC section 11).
 * `POST /admin/sense`: how `switchyard sense` hands them over, `{ "events": [...] }` (at most
 * 1 MiB); the answer lists them as stored, an exec with the request its worker was serving.
 * Both need the admin token when one is set: the events name requests and command lines, and a
 * forged event could feed outlier detection.
 */
import { SwitchyardError } from '../errors.js';
import { senseEventProblem } from '../sense/event.js';
import type { PostedEvent } from '../sense/sense-log.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';

const MAX_BODY = 1024 * 1024;

export const senseListEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/sense',
  async handle(exchange, context) {
    sendJson(exchange.res, 200, { events: context.sense?.list() ?? [] });
  },
};

export const sensePostEndpoint: AdminEndpoint = {
  method: 'POST',
  path: '/admin/sense',
  async handle(exchange, context) {
    const text = await readBody(exchange.req);
    let body: unknown = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new SwitchyardError('SY_ERR_ADMIN_BAD_BODY', 'POST /admin/sense takes JSON: { "events": [...] }');
      }
    }
    const events = (body as { events?: unknown }).events ?? [];
    if (!Array.isArray(events)) throw new SwitchyardError('SY_ERR_ADMIN_BAD_BODY', '"events" must be an array');
    events.forEach((e: unknown, i) => {
      const problem = senseEventProblem(e);
      if (problem !== undefined) throw new SwitchyardError('SY_ERR_ADMIN_BAD_BODY', `events[${i}]: ${problem}`);
    });
    const stored = context.sense === undefined ? [] : await context.sense.add(events as PostedEvent[]);
    sendJson(exchange.res, 200, { events: stored });
  },
};

async function readBody(req: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new SwitchyardError('SY_ERR_ADMIN_BAD_BODY', `POST /admin/sense takes at most ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
