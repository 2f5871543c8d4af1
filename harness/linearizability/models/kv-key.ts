// The key/value model for the operations of one key, which is what a partition of a key/value
// history holds (kvModel.partition gives each partition one of these). Same semantics as kvModel
// on one key (test/linearizability/kv-key-model.spec.ts compares their verdicts), cheaper states:
// a state is a small integer, the id of the key's value in a pool of texts this model owns, so a
// step allocates no object, and neither does the memo cache that keeps millions of states. With
// objects as states, the garbage collector's copying of them was the largest cost of the check.
//
// A text is a chain of writes, as in kvModel (a put starts a chain, an append adds a link, and no
// value is ever concatenated), interned: the same write on the same text gives the same id, so
// states reached by different orders are usually one id and compare in O(1).
import type { Model } from '../model';
import type { KvInput, KvOutput } from './kv';

const FNV_OFFSET = 0x811c9dc5;

function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** kvModel's and KvKeyModel's readOnly: a get, or an append of nothing. */
export function kvReadOnly(input: KvInput): boolean {
  return input.op === 'get' || (input.op === 'append' && !input.value);
}

/** Id 0: the empty value (a missing key reads as "", and "" is stored as absence). */
const EMPTY = 0;

/** Texts by id, as parallel arrays (plain arrays: they stay on the JavaScript heap, whose growth the memory limit counts). */
class TextPool {
  /** The text this one extends (EMPTY for a put's chain start). */
  readonly parent: number[] = [EMPTY];
  readonly chunk: string[] = [''];
  readonly length: number[] = [0];
  /** FNV-1a of the whole text, extended link by link: equal texts have equal hashes however they were built. */
  readonly hash: number[] = [FNV_OFFSET];
  /** The last string found to spell this text (a get's output is checked against the same text often). */
  readonly spelled: (string | undefined)[] = [''];
  /** Intern table: slot (by hash) -> id + 1 of the first text there, 0 if none; `chain` links the rest. */
  private slots = new Int32Array(1024);
  private readonly chain: number[] = [0];

  /** The id of `parent` followed by `chunk` (non-empty), new or interned. */
  extend(parent: number, chunk: string): number {
    const hash = fnv(this.hash[parent], chunk);
    const slot = (hash ^ (hash >>> 15)) & (this.slots.length - 1);
    for (let e = this.slots[slot]; e !== 0; e = this.chain[e - 1]) {
      const id = e - 1;
      if (this.parent[id] === parent && this.chunk[id] === chunk) return id;
    }
    const id = this.parent.length;
    this.parent.push(parent);
    this.chunk.push(chunk);
    this.length.push(this.length[parent] + chunk.length);
    this.hash.push(hash);
    this.spelled.push(undefined);
    this.chain.push(this.slots[slot]);
    this.slots[slot] = id + 1;
    if (id > this.slots.length * 0.75) this.grow();
    return id;
  }

  /** Does text `id` spell `s`? Compares chunk by chunk from the end, without building the text. */
  spells(id: number, s: string): boolean {
    if (this.length[id] !== s.length) return false;
    if (this.spelled[id] === s) return true;
    let end = s.length;
    for (let t = id; t !== EMPTY; t = this.parent[t]) {
      const chunk = this.chunk[t];
      end -= chunk.length;
      if (!s.startsWith(chunk, end)) return false;
    }
    this.spelled[id] = s;
    return true;
  }

  /** Equal texts: usually one id (interned); otherwise texts that match in length and hash are compared spelled out. */
  same(a: number, b: number): boolean {
    if (a === b) return true;
    if (this.length[a] !== this.length[b] || this.hash[a] !== this.hash[b]) return false;
    return this.spells(b, this.textOf(a));
  }

  textOf(id: number): string {
    const chunks: string[] = [];
    for (let t = id; t !== EMPTY; t = this.parent[t]) chunks.push(this.chunk[t]);
    return chunks.reverse().join('');
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 1; id < this.parent.length; id++) {
      const h = this.hash[id];
      const slot = (h ^ (h >>> 15)) & mask;
      this.chain[id] = slots[slot];
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

/**
 * The model of one key's operations. It ignores each input's key: the partition holds only
 * operations of `key`. A class, so that every partition's model shares its methods (the search's
 * calls to them stay monomorphic).
 */
export class KvKeyModel implements Model<number, KvInput, KvOutput> {
  readonly name: string;
  private readonly texts = new TextPool();

  constructor(
    readonly key: string,
    /** The general model, for what does not depend on the state's representation. */
    private readonly base: Model<unknown, KvInput, KvOutput>,
  ) {
    this.name = base.name;
  }

  init(): number {
    return EMPTY;
  }

  step(text: number, input: KvInput, output: KvOutput | undefined): number | undefined {
    switch (input.op) {
      case 'get':
        return output === undefined || this.texts.spells(text, output.value ?? '') ? text : undefined;
      case 'put':
        return input.value ? this.texts.extend(EMPTY, input.value) : EMPTY;
      case 'append':
        return input.value ? this.texts.extend(text, input.value) : text;
      case 'delete':
        return EMPTY;
      default:
        return undefined;
    }
  }

  readOnly(input: KvInput): boolean {
    return kvReadOnly(input);
  }

  equal(a: number, b: number): boolean {
    return this.texts.same(a, b);
  }

  hash(text: number): number {
    return this.texts.hash[text];
  }

  describeOperation(input: KvInput, output: KvOutput | undefined): string {
    return this.base.describeOperation!(input, output);
  }

  /** As kvModel describes a map holding at most this key. */
  describeState(text: number): string {
    return text === EMPTY ? '{}' : `{${JSON.stringify(this.key)}: ${JSON.stringify(this.texts.textOf(text))}}`;
  }
}
