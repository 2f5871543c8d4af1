// Stable storage for one server: Raft state and snapshot, always saved together (the 2023
// `Save` semantics: a null snapshot stores an empty one). Bytes in and out are copies, so neither
// the caller nor a later crash can change what was saved.
import type { PersisterApi } from '../api';

const EMPTY = new Uint8Array(0);

export class Persister implements PersisterApi {
  private raftState: Uint8Array = EMPTY;
  private snapshot: Uint8Array = EMPTY;
  /** Called after every save (the fixtures' crash points); copies do not inherit it. */
  afterSave: (() => void) | undefined;

  save(raftState: Uint8Array, snapshot: Uint8Array | null): void {
    if (!(raftState instanceof Uint8Array)) throw new TypeError('Persister.save: raftState must be a Uint8Array (encode it with the codec)');
    if (snapshot !== null && !(snapshot instanceof Uint8Array)) throw new TypeError('Persister.save: snapshot must be a Uint8Array or null');
    this.raftState = raftState.slice();
    // Raft re-saves the same snapshot with every change to its state: keep the stored copy when
    // the bytes are equal (a compare costs less than a copy and leaves no garbage).
    if (!snapshot) this.snapshot = EMPTY;
    else if (!sameBytes(snapshot, this.snapshot)) this.snapshot = snapshot.slice();
    this.afterSave?.();
  }

  /** Alias of save(raftState, current snapshot), for implementations written against the 2022 API. */
  saveRaftState(raftState: Uint8Array): void {
    this.save(raftState, this.snapshot);
  }

  readRaftState(): Uint8Array {
    return this.raftState.slice();
  }

  readSnapshot(): Uint8Array {
    return this.snapshot.slice();
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
    // Stored arrays are never mutated in place, so sharing them between copies is safe.
    p.raftState = this.raftState;
    p.snapshot = this.snapshot;
    return p;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
