// The request parser against llhttp, the parser node:http runs (SPEC section 14: what llhttp would
// refuse is refused). Every stream of the corpus, and a few thousand seeded mutations of it, goes
// whole to a real node:http server (default options, in process) and, cut at random points, to
// the codec. Every stream llhttp refuses, the codec refuses; every request llhttp accepts, the
// codec reads into the same method, target, version, rawHeaders, headers, body, trailers,
// keep-alive and Expect decision, or the same upgrade with the same bytes after it. The only
// exceptions are the documented cases below where the codec is stricter, each matched by its
// refusal reason AND a test on the stream, so a new kind of disagreement fails the test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeReference, type ReferenceOutcome, type ReferenceRequest } from './node-reference.js';
import { runCodec, type CodecOutcome, type CodecRequest } from './codec-runner.js';
import { corpus } from './corpus.js';
import { Prng, mutate } from './mutate.js';

interface Stricter {
  readonly reason: string;
  readonly why: string;
  /** The stream holds the construct this entry is about. */
  readonly applies: (stream: string) => boolean;
}

/** Where the codec refuses what llhttp (node's defaults) accepts, and why. */
const STRICTER: readonly Stricter[] = [
  {
    reason: 'invalid-version',
    why: 'HTTP/0.9 request lines (no version), HTTP/2.0, RTSP/1.0 and ICE/1.0 (llhttp reads the last two as HTTP/1.0): the gateway speaks HTTP/1.0 and 1.1',
    applies: (s) => /[A-Z-]+ +[^ \r\n]+( +(?!HTTP\/1\.[01]\r)[^ \r\n]*)?\r/.test(s),
  },
  {
    reason: 'invalid-request-line',
    why: 'more than one space between the parts of the request line (RFC 9112 §3 has exactly one)',
    applies: (s) => /[A-Z-]+ {2}|[A-Z-]+ [^ \r\n]+ {2,}HTTP\//.test(s),
  },
  {
    reason: 'invalid-target',
    why: 'asterisk-form other than `OPTIONS *`, CONNECT without host:port, absolute-form with an empty authority or two userinfo "@" (RFC 9112 §3.2, RFC 3986 §3.2)',
    applies: (s) => /[A-Z-]+ \*|CONNECT |[A-Z-]+ [A-Za-z]+:\/\/([/? ]|[^/? ]*@[^/? ]*@)/.test(s),
  },
  {
    reason: 'bare-lf',
    why: 'a bare LF before a request line: llhttp skips it, the codec takes CRLF as the only line ending',
    applies: (s) => /(^|\n)\n|(^|\n)\r\n*\n/.test(s) || /(?<!\r)\n/.test(s),
  },
  {
    reason: 'bare-cr',
    why: 'a bare CR before a request line: llhttp skips it, the codec refuses a CR not followed by LF everywhere',
    applies: (s) => /\r(?!\n)/.test(s),
  },
  {
    reason: 'duplicate-host',
    why: 'RFC 9112 §3.2: a request with more than one Host field is answered 400 (node keeps the first)',
    applies: (s) => (s.match(/\r\nhost:/gi) ?? []).length >= 2,
  },
  {
    reason: 'invalid-transfer-encoding',
    why: 'an empty Transfer-Encoding field: llhttp ignores it, the codec refuses a framing field two parsers may read differently',
    applies: (s) => /\r\ntransfer-encoding:[ \t]*\r\n/i.test(s),
  },
  {
    reason: 'forbidden-trailer',
    why: 'Connection, Proxy-Connection and Upgrade in trailers (RFC 9110 §6.5.1): llhttp lets some through or acts on them',
    applies: (s) => /\r\n0[^\r\n]*\r\n([^\r\n]*\r\n)*(connection|proxy-connection|upgrade):/i.test(s),
  },
  {
    reason: 'data-after-close',
    why: 'HTTP/1.0 with both keep-alive and close, or with Transfer-Encoding, and `close` followed by an HTAB (llhttp misses that token): the codec closes after it (close wins; RFC 9112 §6.1)',
    applies: (s) => (/HTTP\/1\.0\r\n/.test(s) && (/(^|\r\n)(proxy-)?connection:[^\r\n]*close/i.test(s) || /\r\ntransfer-encoding:/i.test(s))) || /connection:[^\r\n]*close[ \t]*\t/i.test(s),
  },
  {
    reason: 'headers-too-large',
    why: 'the head limit counts every byte of the head; node counts the target, names and values only',
    applies: (s) => s.length > 16 * 1024 - 1024,
  },
  {
    reason: 'chunk-extensions-too-large',
    why: 'the chunk line limit counts the size and delimiters too; node counts extension names and values only',
    applies: (s) => s.length > 16 * 1024 - 64,
  },
  {
    reason: 'content-length-too-large',
    why: 'a Content-Length past 2^53-1, which a JS number cannot hold exactly (llhttp takes up to 2^64-1; it matters only when an upgrade skips the body)',
    applies: (s) => /\r\ncontent-length:[ \t]*\d{16,}/i.test(s),
  },
  {
    reason: 'chunk-size-too-large',
    why: 'a chunk size past 2^53-1, for the same reason',
    applies: (s) => /\n0*[0-9a-f]{14,}[;\r]/i.test(s),
  },
  {
    reason: 'too-many-headers',
    why: 'more than 100 fields (the listener limit): node truncates rawHeaders past its maxHeadersCount without refusing',
    applies: (s) => (s.match(/\r\n/g) ?? []).length > 100,
  },
];

/** Same reasoning for a connection node keeps and the codec closes (see data-after-close). */
function codecMayClose(req: ReferenceRequest, stream: string): boolean {
  const connection = `${String(req.headers.connection ?? '')},${String(req.headers['proxy-connection'] ?? '')}`;
  const http10 = req.httpVersion === '1.0' && (/(^|,)\s*close\s*(,|$)/i.test(connection) || req.headers['transfer-encoding'] !== undefined);
  return http10 || (/(^|,)\s*close\s*(,|$)/i.test(connection) && /connection:[^\r\n]*close[ \t]*\t/i.test(stream));
}

interface Tally {
  streams: number;
  agreed: number;
  stricter: Map<string, number>;
  refusedByBoth: number;
}

const newTally = (): Tally => ({ streams: 0, agreed: 0, stricter: new Map(), refusedByBoth: 0 });

function sameRequest(node: ReferenceRequest, ours: CodecRequest, upgrade: boolean, stream: string): string | undefined {
  const h = ours.head;
  const fields: [string, unknown, unknown][] = [
    ['method', h.method, node.method],
    ['target', h.target, node.url],
    ['version', h.httpVersion, node.httpVersion],
    ['rawHeaders', h.rawHeaders, node.rawHeaders],
    ['headers', { ...h.headers }, node.headers],
  ];
  if (!upgrade) {
    fields.push(['body', ours.body?.toString('latin1'), node.body?.toString('latin1')], ['rawTrailers', ours.rawTrailers, node.rawTrailers], ['expectContinue', h.expectContinue, node.expectContinue]);
    if (!(h.keepAlive === false && node.keepAlive === true && codecMayClose(node, stream))) fields.push(['keepAlive', h.keepAlive, node.keepAlive]);
  }
  for (const [name, a, b] of fields) {
    try {
      assert.deepStrictEqual(a, b);
    } catch {
      return `${name} differs: codec ${JSON.stringify(a)}, node ${JSON.stringify(b)}`;
    }
  }
  return undefined;
}

/** Returns undefined when the codec agrees with node on `stream` (or is stricter as documented). */
function disagreement(stream: string, node: ReferenceOutcome, ours: CodecOutcome, tally: Tally): string | undefined {
  const nodeDone = node.requests.filter((r) => r.body !== undefined);
  const oursDone = ours.requests.filter((r, i) => r.body !== undefined || (ours.end.kind === 'upgrade' && i === ours.requests.length - 1));
  const upgradeAt = node.end.kind === 'upgrade' ? nodeDone.length - 1 : -1;
  for (let i = 0; i < Math.min(nodeDone.length, oursDone.length); i++) {
    const diff = sameRequest(nodeDone[i] as ReferenceRequest, oursDone[i] as CodecRequest, i === upgradeAt, stream);
    if (diff !== undefined) return `request ${i}: ${diff}`;
  }
  if (oursDone.length > nodeDone.length) return `codec accepted ${oursDone.length} requests, node ${nodeDone.length} (${JSON.stringify(node.end)})`;
  const agreeOnEnd =
    oursDone.length === nodeDone.length &&
    (node.end.kind === ours.end.kind || (node.end.kind === 'error' && ours.end.kind === 'error')) &&
    (node.end.kind !== 'upgrade' || ours.end.kind !== 'upgrade' || node.end.rest.equals(ours.end.rest));
  if (agreeOnEnd) {
    tally.agreed++;
    if (node.end.kind === 'error') tally.refusedByBoth++;
    return undefined;
  }
  if (node.end.kind === 'error' && ours.end.kind !== 'error') return `node refused (${node.end.code}: ${node.end.reason}), the codec did not (${ours.end.kind})`;
  if (ours.end.kind === 'error') {
    const reason = ours.end.reason;
    const rule = STRICTER.find((r) => r.reason === reason && r.applies(stream));
    if (rule !== undefined) {
      tally.stricter.set(reason, (tally.stricter.get(reason) ?? 0) + 1);
      return undefined;
    }
    return `codec refused (${reason}) after ${oursDone.length} requests where node accepted ${nodeDone.length} (${JSON.stringify(node.end)}) and no documented case applies`;
  }
  return `ends differ: node ${JSON.stringify(node.end)} after ${nodeDone.length}, codec ${JSON.stringify(ours.end)} after ${oursDone.length}`;
}

function randomCuts(rng: Prng, length: number): number[] {
  if (length < 2) return [];
  if (rng.chance(5)) return Array.from({ length: length - 1 }, (_, i) => i + 1);
  const cuts = Array.from({ length: 1 + rng.below(4) }, () => 1 + rng.below(length - 1));
  return [...new Set(cuts)].sort((a, b) => a - b);
}

function show(stream: string): string {
  return JSON.stringify(stream.length > 300 ? `${stream.slice(0, 300)}...(${stream.length} bytes)` : stream);
}

function report(name: string, tally: Tally): string {
  const stricter = [...tally.stricter].map(([r, n]) => `${r} ${n}`).join(', ');
  return `${name}: ${tally.streams} streams, ${tally.agreed} agreed (${tally.refusedByBoth} refused by both), stricter as documented: ${stricter || 'none'}`;
}

describe('request parser agrees with llhttp', () => {
  let node: NodeReference;
  before(() => {
    node = new NodeReference();
  });
  after(() => node.close());

  test('on the corpus, whole, byte by byte and cut at random points', async (t) => {
    const tally = newTally();
    const rng = new Prng(0x5eed);
    for (const { name, stream } of corpus) {
      const bytes = Buffer.from(stream, 'latin1');
      const reference = await node.run(bytes);
      const splits = [[], Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1), randomCuts(rng, bytes.length), randomCuts(rng, bytes.length)];
      for (const cuts of splits) {
        const problem = disagreement(stream, reference, runCodec(bytes, cuts), tally);
        assert.equal(problem, undefined, `${name}: ${problem}\nstream ${show(stream)}\ncuts ${JSON.stringify(cuts.length > 20 ? 'every byte' : cuts)}`);
      }
      tally.streams++;
    }
    t.diagnostic(report('corpus', tally));
    // Both sides of the line are exercised: plenty refused by both, plenty accepted by both.
    assert.ok(tally.refusedByBoth > 300 && tally.agreed - tally.refusedByBoth > 300, report('corpus', tally));
  });

  test('on seeded mutations of the corpus', async (t) => {
    const seed = Number(process.env.HTTP1_FUZZ_SEED ?? 0x12c0dec);
    const count = Number(process.env.HTTP1_FUZZ_COUNT ?? 3000);
    const rng = new Prng(seed);
    const tally = newTally();
    const bases = corpus.map((c) => c.stream).filter((s) => s.length < 4096);
    for (let i = 0; i < count; i++) {
      const stream = mutate(rng, rng.pick(bases), bases);
      const bytes = Buffer.from(stream, 'latin1');
      const cuts = randomCuts(rng, bytes.length);
      const problem = disagreement(stream, await node.run(bytes), runCodec(bytes, cuts), tally);
      tally.streams++;
      assert.equal(problem, undefined, `seed ${seed} (HTTP1_FUZZ_SEED=${seed}), stream ${i}: ${problem}\nstream ${show(stream)}\ncuts ${JSON.stringify(cuts)}`);
    }
    t.diagnostic(`seed ${seed}: ${report('fuzz', tally)}`);
  });
});
