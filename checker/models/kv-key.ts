// The key/value model for the operations of one key, which is what a partition of a key/value
// history holds (kvModel.partition gives each partition one of these). Same semantics as kvModel
// on one key (test/linearizability/kv-key-model.spec.ts compares their verdicts), cheaper states:
// a state is the key's value itself, a Text (NO_TEXT when empty), so a write allocates one object
// and a read none, where kvModel allocates a map state and its arrays too. The memo cache keeps a
// state per entry, millions on large histories, and the garbage collector's copying of them was
// the largest cost of the check. (Texts as integer ids into arrays allocated nothing at all, but
// were slower: six arrays to reach per text instead of one object.)
import type { Model } from '../model';
import type { KvInput, KvOutput } from './kv';
import { extend, FNV_OFFSET, sameText, spells, textOf, type Text } from './kv-text';

/** kvModel's and KvKeyModel's readOnly: a get, or an append of nothing. */
export function kvReadOnly(input: KvInput): boolean {
  return input.op === 'get' || (input.op === 'append' && !input.value);
}

/** The empty value as a state (a state must not be `undefined`); never a link of another text. */
const NO_TEXT: Text = { parent: undefined, chunk: '', length: 0, hash: FNV_OFFSET, spelled: '' };

/** The value as the shared Text functions take it: undefined when empty. */
const value = (text: Text): Text | undefined => (text === NO_TEXT ? undefined : text);

/**
 * The model of one key's operations. It ignores each input's key: the partition holds only
 * operations of `key`. A class, so that every partition's model shares its methods (the search's
 * calls to them stay monomorphic).
 */
export class KvKeyModel implements Model<Text, KvInput, KvOutput> {
  readonly name: string;

  constructor(
    readonly key: string,
    /** The general model, for what does not depend on the state's representation. */
    private readonly base: Model<unknown, KvInput, KvOutput>,
  ) {
    this.name = base.name;
  }

  init(): Text {
    return NO_TEXT;
  }

  step(text: Text, input: KvInput, output: KvOutput | undefined): Text | undefined {
    switch (input.op) {
      case 'get':
        return output === undefined || spells(value(text), output.value ?? '') ? text : undefined;
      case 'put':
        return input.value ? extend(undefined, input.value) : NO_TEXT;
      case 'append':
        return input.value ? extend(value(text), input.value) : text;
      case 'delete':
        return NO_TEXT;
      default:
        return undefined;
    }
  }

  readOnly(input: KvInput): boolean {
    return kvReadOnly(input);
  }

  equal(a: Text, b: Text): boolean {
    return sameText(value(a), value(b));
  }

  hash(text: Text): number {
    return text.hash;
  }

  describeOperation(input: KvInput, output: KvOutput | undefined): string {
    return this.base.describeOperation!(input, output);
  }

  /** As kvModel describes a map holding at most this key. */
  describeState(text: Text): string {
    return text === NO_TEXT
      ? '{}'
      : `{${JSON.stringify(this.key)}: ${JSON.stringify(textOf(text))}}`;
  }
}
