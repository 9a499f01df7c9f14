/**
 * The parts of a request body the shield inspects, as ModSecurity's body processors expose them:
 * form fields (`application/x-www-form-urlencoded`), multipart fields and upload file names
 * (`multipart/form-data`, RFC 7578), and the keys and string values of a JSON document. Only
 * the first BODY_INSPECTED bytes are given to these parsers (shield.ts says why and how); a part
 * cut at that boundary is inspected as far as it goes. Written by hand: the gateway only needs
 * names and values, never files on disk, and must bound the work a hostile body can cause.
 */

export interface BodyPart {
  /** `ARGS_POST`, `FILES_NAMES` or `JSON`, then the field's name: for the audit log. */
  readonly name: string;
  readonly value: string;
  /** True for form values (`+` is a space), false for multipart and JSON. */
  readonly plus: boolean;
  readonly kind: 'arg' | 'file-name';
}

/** How many values a body may yield; beyond, the rest is not inspected (and the log says so). */
const MAX_PARTS = 1024;
/** JSON nesting followed; deeper values are not inspected. */
const MAX_DEPTH = 32;

export function bodyParts(contentType: string, body: Buffer): BodyPart[] {
  const type = contentType.toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return formParts(body.toString('latin1'), 'ARGS_POST');
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
    return boundary === null ? [] : multipartParts(body.toString('latin1'), boundary[1] ?? boundary[2] ?? '');
  }
  if (type.startsWith('application/json') || /^application\/[\w.+-]*\+json/.test(type)) return jsonParts(body.toString('utf8'));
  return [];
}

/** `a=1&b=2` as names and values, both still encoded (decode.ts decodes them). */
export function formParts(text: string, source: string): BodyPart[] {
  const out: BodyPart[] = [];
  if (text === '') return out;
  for (const pair of text.split('&')) {
    if (out.length >= MAX_PARTS) break;
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    out.push({ name: `${source}_NAMES`, value: name, plus: true, kind: 'arg' });
    if (eq !== -1) out.push({ name: `${source}:${name.slice(0, 64)}`, value: pair.slice(eq + 1), plus: true, kind: 'arg' });
  }
  return out;
}

function multipartParts(text: string, boundary: string): BodyPart[] {
  const out: BodyPart[] = [];
  const delimiter = `--${boundary}`;
  const sections = text.split(delimiter);
  // The preamble before the first delimiter and the epilogue after `--` are not parts.
  for (const section of sections.slice(1)) {
    if (out.length >= MAX_PARTS || section.startsWith('--')) break;
    const headEnd = section.indexOf('\r\n\r\n');
    const head = headEnd === -1 ? section : section.slice(0, headEnd);
    const content = headEnd === -1 ? '' : section.slice(headEnd + 4).replace(/\r\n$/, '');
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename\*?=(?:"([^"]*)"|([^;\r\n]*))/i.exec(disposition);
    out.push({ name: 'ARGS_POST_NAMES', value: name, plus: false, kind: 'arg' });
    if (filename !== null) {
      // A file's content is the application's to judge; its name decides whether PHP could run it.
      out.push({ name: `FILES_NAMES:${name.slice(0, 64)}`, value: filename[1] ?? filename[2] ?? '', plus: false, kind: 'file-name' });
    } else {
      out.push({ name: `ARGS_POST:${name.slice(0, 64)}`, value: content, plus: false, kind: 'arg' });
    }
  }
  return out;
}

function jsonParts(text: string): BodyPart[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // Not JSON (or cut at the inspection limit): inspected as one value, as a raw body would be.
    return [{ name: 'REQUEST_BODY', value: text, plus: false, kind: 'arg' }];
  }
  const out: BodyPart[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (out.length >= MAX_PARTS || depth > MAX_DEPTH) return;
    if (typeof node === 'string') out.push({ name: `JSON:${path.slice(0, 64)}`, value: node, plus: false, kind: 'arg' });
    else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        out.push({ name: 'JSON_NAMES', value: key, plus: false, kind: 'arg' });
        walk(value, path === '' ? key : `${path}.${key}`, depth + 1);
      }
    }
  };
  walk(doc, '', 0);
  return out;
}
