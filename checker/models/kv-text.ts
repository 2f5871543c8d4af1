// A key/value value as the chain of writes that built it (a put starts a chain, an append adds a
// link), never concatenated: the search creates millions of states, and a state must cost O(1)
// time and memory however long its values grow (appends make them kilobytes long). Shared by
// kvModel (a map of these) and KvKeyModel (one of these).

/** A non-empty value: `parent`'s text followed by `chunk`. */
export interface Text {
  readonly parent: Text | undefined;
  readonly chunk: string;
  readonly length: number;
  /** FNV-1a of the whole text, extended link by link: equal texts have equal hashes however they were built. */
  readonly hash: number;
  /** The last string found to be this text (a get's output is checked against the same text often). */
  spelled: string | undefined;
}

export const FNV_OFFSET = 0x811c9dc5;

export function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** `parent` (undefined: the empty value) followed by the non-empty `chunk`. */
export function extend(parent: Text | undefined, chunk: string): Text {
  return {
    parent,
    chunk,
    length: (parent?.length ?? 0) + chunk.length,
    hash: fnv(parent?.hash ?? FNV_OFFSET, chunk),
    spelled: undefined,
  };
}

/**
 * Does `text` spell `s`? Compares chunk by chunk from the end, without building the text, down to
 * the first link already known to spell some string: then one prefix comparison settles the rest.
 * (A key's reads are checked in order, so the last read's text is usually a few links up: a check
 * costs the appends since that read, not every append of the key's history.) Parts are compared
 * as slices with ===, which V8 does as one memory comparison; startsWith with a long or
 * positioned argument walks it character by character, 10-30 times slower.
 */
export function spells(text: Text | undefined, s: string): boolean {
  if (text === undefined) return s === '';
  if (text.length !== s.length) return false;
  if (text.spelled === s) return true;
  let end = s.length;
  for (let t: Text | undefined = text; t; t = t.parent) {
    if (t !== text && t.spelled !== undefined) {
      if (s.slice(0, end) !== t.spelled) return false; // t.spelled.length === end
      break;
    }
    end -= t.chunk.length;
    if (s.slice(end, end + t.chunk.length) !== t.chunk) return false;
  }
  text.spelled = s;
  return true;
}

export function sameText(a: Text | undefined, b: Text | undefined): boolean {
  while (a !== b) {
    if (a === undefined || b === undefined || a.length !== b.length || a.hash !== b.hash)
      return false;
    // Usually both were built by the same writes; otherwise compare the spelled-out texts.
    if (a.chunk !== b.chunk) return spells(a, textOf(b));
    a = a.parent;
    b = b.parent;
  }
  return true;
}

export function textOf(text: Text | undefined): string {
  const chunks: string[] = [];
  for (let t = text; t; t = t.parent) chunks.push(t.chunk);
  return chunks.reverse().join('');
}
