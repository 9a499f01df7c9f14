/**
 * RFC 6901 JSON pointers, as the shadow's config names fields and its report names differences:
 * '' is the whole document, each '/'-led segment one step, `~1` a '/' and `~0` a '~' inside a
 * key (§3-4). Written here because the comparison walks both documents itself and only needs to
 * build and split pointers, not resolve them against a document.
 */

const POINTER = /^(\/([^~]|~[01])*)*$/;

export function isJsonPointer(value: string): boolean {
  return POINTER.test(value);
}

/** The pointer one step below `parent`: the key escaped as §3 says (`~` first, then `/`). */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${typeof key === 'number' ? key : key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** True when `pointer` is `ancestor` or below it ('/a/b' is below '/a', '/ab' is not). */
export function isAtOrBelow(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || (pointer.startsWith(ancestor) && pointer.charCodeAt(ancestor.length) === 47 /* '/' */);
}
