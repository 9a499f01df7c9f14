/**
 * One header (or trailer) field line, RFC 9112 §5: `field-name ":" OWS field-value OWS`. The
 * name must be a token with the colon right after it (no whitespace before the colon, §5.1); the
 * value loses its surrounding whitespace and may hold no control byte but HTAB (RFC 9110 §5.5),
 * which also refuses NUL and a CR that does not end the line. Both come out as latin1 strings,
 * the same strings node puts in rawHeaders.
 */
import { COLON, CR, FIELD_VALUE, HTAB, SP, TOKEN } from './chars.js';
import { Http1Error, type Http1Side } from './http1-error.js';

/**
 * Parses the line `buf[start, end)` (CRLF already removed) and appends its name and value to
 * `raw`. A line starting with whitespace is obs-fold (§5.2), which llhttp refuses by default and
 * so does this. Returns whether the whitespace trimmed after the value held an HTAB: llhttp then
 * does not recognise the value of a framing field (`chunked\t` is not chunked, `3\t` not a
 * length), and FieldFacts reads them the same way.
 */
export function pushFieldLine(buf: Buffer, start: number, end: number, raw: string[], side: Http1Side): boolean {
  const first = buf[start];
  if (first === SP || first === HTAB) {
    throw new Http1Error(side, raw.length === 0 ? 'whitespace-after-start-line' : 'obs-fold');
  }
  let i = start;
  while (i < end && TOKEN[buf[i] as number] === 1) i++;
  const stop = i < end ? (buf[i] as number) : -1;
  if (stop !== COLON || i === start) {
    const reason = stop === CR ? 'bare-cr' : (stop === SP || stop === HTAB) && i > start ? 'space-before-colon' : 'invalid-header-name';
    throw new Http1Error(side, reason, quote(buf, start, end));
  }
  const name = buf.toString('latin1', start, i);
  let vs = i + 1;
  while (vs < end && (buf[vs] === SP || buf[vs] === HTAB)) vs++;
  let ve = end;
  let tabAfter = false;
  while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) {
    if (buf[ve - 1] === HTAB) tabAfter = true;
    ve--;
  }
  for (let j = vs; j < ve; j++) {
    const b = buf[j] as number;
    if (FIELD_VALUE[b] !== 1) {
      throw new Http1Error(side, b === CR ? 'bare-cr' : 'invalid-header-value', `${name} holds byte 0x${b.toString(16).padStart(2, '0')}`);
    }
  }
  raw.push(name, vs === ve ? '' : buf.toString('latin1', vs, ve));
  return tabAfter;
}

/** The start of a refused line, printable, for the error's context. */
export function quote(buf: Buffer, start: number, end: number): string {
  return JSON.stringify(buf.toString('latin1', start, Math.min(end, start + 40)));
}
