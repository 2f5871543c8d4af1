// The replicated state machine: the key/value map plus the duplicate-detection table. Every
// replica applies the same ops in the same order, so every replica holds the same store.
import type { Codec } from '../../harness/api';
import { ErrNoKey, OK, type Op, type OpResult } from './common';

/** What a snapshot holds; the duplicate table must travel with the data it protects. */
export interface StoreImage {
  /** The last log index the image includes. */
  index: number;
  data: [string, string][];
  /** clientId -> highest write seq applied. */
  sessions: [number, number][];
}

export class KVStore {
  readonly data = new Map<string, string>();
  /** The highest seq of a write applied for each client. A clerk sends one op at a time with
   * increasing seqs, so any write with seq <= this has already been applied. */
  readonly sessions = new Map<number, number>();

  isDuplicate(clientId: number, seq: number): boolean {
    const last = this.sessions.get(clientId);
    return last !== undefined && seq <= last;
  }

  /** The value of `key` as a Get answers it: ErrNoKey and "" for a missing key. */
  read(key: string): OpResult {
    const value = this.data.get(key);
    return value === undefined ? { err: ErrNoKey, value: '' } : { err: OK, value };
  }

  /** Applies `op`; a write the caller found to be a duplicate only answers OK. */
  apply(op: Op, duplicate: boolean): OpResult {
    if (op.kind === 'Get') return this.read(op.key);
    if (duplicate) return { err: OK, value: '' };
    switch (op.kind) {
      case 'Put':
        this.data.set(op.key, op.value);
        break;
      case 'Append':
        this.data.set(op.key, (this.data.get(op.key) ?? '') + op.value);
        break;
      case 'Delete':
        this.data.delete(op.key);
        break;
      default:
        throw new Error(`KVStore: unknown op kind ${String((op as Op).kind)}`);
    }
    this.sessions.set(op.clientId, op.seq);
    return { err: OK, value: '' };
  }

  image(index: number, withSessions = true): StoreImage {
    return { index, data: [...this.data], sessions: withSessions ? [...this.sessions] : [] };
  }

  restore(image: StoreImage): void {
    this.data.clear();
    this.sessions.clear();
    for (const [k, v] of image.data) this.data.set(k, v);
    for (const [c, s] of image.sessions) this.sessions.set(c, s);
  }

  static decode(codec: Codec, bytes: Uint8Array): StoreImage | undefined {
    if (bytes.length === 0) return undefined;
    const image = codec.decode<StoreImage>(bytes);
    if (
      !Number.isInteger(image.index) ||
      !Array.isArray(image.data) ||
      !Array.isArray(image.sessions)
    ) {
      throw new Error('KVStore: the snapshot is not a key/value store image');
    }
    return image;
  }
}
