// Stable storage for one server: Raft state and snapshot, always saved together (the 2023
// `Save` semantics: a null snapshot stores an empty one). Bytes in and out are copies, so neither
// the caller nor a later crash can change what was saved.
import type { PersisterApi } from '../../harness/api';

/**
 * One stored byte string, kept in a buffer of its own that later saves overwrite in place: Raft
 * saves its whole state many times a second, and a fresh array per save was garbage at once.
 */
class Slot {
  private buffer = new Uint8Array(0);
  length = 0;

  /** Stores a copy of `bytes`. */
  set(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes);
    this.length = bytes.length;
  }

  /** Stores a copy of the pieces' concatenation. */
  setPieces(pieces: readonly Uint8Array[]): void {
    let length = 0;
    for (const piece of pieces) length += piece.length;
    this.reserve(length);
    let at = 0;
    for (const piece of pieces) {
      this.buffer.set(piece, at);
      at += piece.length;
    }
    this.length = length;
  }

  private reserve(length: number): void {
    if (length > this.buffer.length)
      this.buffer = new Uint8Array(Math.max(length, Math.ceil(this.buffer.length * 1.5)));
  }

  equals(bytes: Uint8Array): boolean {
    return (
      bytes.length === this.length &&
      Buffer.compare(bytes, this.buffer.subarray(0, this.length)) === 0
    );
  }

  /** A copy of what is stored. */
  read(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  copy(): Slot {
    const slot = new Slot();
    slot.set(this.buffer.subarray(0, this.length));
    return slot;
  }
}

export class Persister implements PersisterApi {
  private raftState = new Slot();
  private snapshot = new Slot();
  /** Called after every save (the fixtures' crash points); copies do not inherit it. */
  afterSave: (() => void) | undefined;

  save(raftState: Uint8Array | readonly Uint8Array[], snapshot: Uint8Array | null): void {
    if (Array.isArray(raftState)) {
      const bad = raftState.findIndex((piece) => !(piece instanceof Uint8Array));
      if (bad >= 0)
        throw new TypeError(
          `Persister.save: raftState[${bad}] is not a Uint8Array: every piece must be bytes (encode it with the codec)`,
        );
    } else if (!(raftState instanceof Uint8Array))
      throw new TypeError(
        'Persister.save: raftState must be a Uint8Array, or an array of them (encode it with the codec)',
      );
    if (snapshot !== null && !(snapshot instanceof Uint8Array))
      throw new TypeError('Persister.save: snapshot must be a Uint8Array or null');
    if (raftState instanceof Uint8Array) this.raftState.set(raftState);
    else this.raftState.setPieces(raftState as readonly Uint8Array[]);
    // Raft re-saves the same snapshot with every change to its state: a compare costs less than a copy.
    if (!snapshot) this.snapshot.length = 0;
    else if (!this.snapshot.equals(snapshot)) this.snapshot.set(snapshot);
    this.afterSave?.();
  }

  /** Alias of save(raftState, current snapshot), for implementations written against the 2022 API. */
  saveRaftState(raftState: Uint8Array): void {
    this.save(raftState, this.snapshot.length === 0 ? null : this.snapshot.read());
  }

  readRaftState(): Uint8Array {
    return this.raftState.read();
  }

  readSnapshot(): Uint8Array {
    return this.snapshot.read();
  }

  raftStateSize(): number {
    return this.raftState.length;
  }

  snapshotSize(): number {
    return this.snapshot.length;
  }

  /** A separate persister with the same contents; later saves to either do not affect the other. */
  copy(): Persister {
    const p = new Persister();
    p.raftState = this.raftState.copy();
    p.snapshot = this.snapshot.copy();
    return p;
  }
}
