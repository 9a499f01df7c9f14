/**
 * Lookups over one side of a breaking comparison: files by name, elements by fully-qualified
 * name, extensions by extendee and number, files by package. Built once per side.
 */
import type { ProtoFile } from '../../../proto/proto-file.js';
import { elementsOf, type EnumElement, type ExtensionElement, type FieldElement, type MessageElement, type ServiceElement } from '../elements.js';
import { addTo } from '../../../group-by.js';

export class ImageIndex {
  readonly files: readonly ProtoFile[];
  readonly fileByName = new Map<string, ProtoFile>();
  readonly messages = new Map<string, MessageElement>();
  readonly enums = new Map<string, EnumElement>();
  readonly services = new Map<string, ServiceElement>();
  /** `extendee#number` -> extension. */
  readonly extensions = new Map<string, ExtensionElement>();
  readonly packages = new Map<string, ProtoFile[]>();
  readonly #fields = new Map<MessageElement, Map<number, FieldElement>>();

  constructor(files: readonly ProtoFile[]) {
    this.files = files;
    for (const file of files) {
      this.fileByName.set(file.name, file);
      const pkg = file.proto.package ?? '';
      addTo(this.packages, pkg, file);
      const e = elementsOf(file);
      for (const m of e.messages) this.messages.set(m.fullName, m);
      for (const en of e.enums) this.enums.set(en.fullName, en);
      for (const s of e.services) this.services.set(s.fullName, s);
      for (const x of e.extensions) this.extensions.set(`${x.desc.extendee ?? ''}#${x.desc.number ?? 0}`, x);
    }
  }

  /** A message's fields by number (cached). */
  fieldsOf(message: MessageElement): Map<number, FieldElement> {
    let map = this.#fields.get(message);
    if (map === undefined) {
      map = new Map(elementsOf(message.file).fields.filter((f) => f.message === message).map((f) => [f.desc.number ?? 0, f]));
      this.#fields.set(message, map);
    }
    return map;
  }

  message(fullName: string): MessageElement | undefined {
    return this.messages.get(fullName);
  }

  /** The messages enclosing `message` and itself, outermost first. */
  messageChain(message: MessageElement): MessageElement[] {
    const pkg = message.file.proto.package ?? '';
    const parts = nestedName(message.fullName, message.file).split('.');
    const out: MessageElement[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const name = [pkg, ...parts.slice(0, i)].filter((s) => s !== '').join('.');
      const m = this.messages.get(name);
      if (m !== undefined) out.push(m);
    }
    return out;
  }
}

/** An element's name inside its package, e.g. `Order.Line` (buf's "nested name"). */
export function nestedName(fullName: string, file: ProtoFile): string {
  const pkg = file.proto.package ?? '';
  return pkg === '' ? fullName : fullName.slice(pkg.length + 1);
}
