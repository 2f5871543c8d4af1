// The pure rules of the reference Raft (src/raft/rules.ts), its log with an offset (log.ts) and its
// persistent state (state.ts).
import { expect } from 'chai';
import { CHUNK, RaftLog } from '../../src/raft/log';
import type { Entry } from '../../src/raft/messages';
import {
  advanceCommitIndex,
  conflictHint,
  firstNewEntry,
  isLogUpToDate,
  majorityMatchIndex,
  nextIndexAfterConflict,
  randomElectionTimeout,
  ELECTION_TIMEOUT_MAX_MS,
  ELECTION_TIMEOUT_MIN_MS,
} from '../../src/raft/rules';
import { decodeState, encodeState, type PersistentState } from '../../src/raft/state';
import { codec } from '../../engine/codec';

/** A log holding entries with these terms at indices 1, 2, ... (commands are `c<index>`). */
function logOf(terms: number[], from = 0, fromTerm = 0): RaftLog {
  return new RaftLog(
    from,
    fromTerm,
    terms.map((t, i) => [t, `c${from + i + 1}`] as Entry),
  );
}

describe('raft rules', () => {
  it('election timeouts stay within [min, max)', () => {
    expect(randomElectionTimeout(() => 0)).to.equal(ELECTION_TIMEOUT_MIN_MS);
    expect(randomElectionTimeout(() => 0.999999)).to.be.below(ELECTION_TIMEOUT_MAX_MS);
  });

  it('§5.4.1 up-to-date: later last term wins, then the longer log', () => {
    expect(isLogUpToDate(3, 1, 2, 10)).to.equal(true);
    expect(isLogUpToDate(2, 10, 3, 1)).to.equal(false);
    expect(isLogUpToDate(2, 5, 2, 5)).to.equal(true);
    expect(isLogUpToDate(2, 4, 2, 5)).to.equal(false);
  });

  it('majority match index: the median of the sorted matchIndex (leader included)', () => {
    expect(majorityMatchIndex([5, 3, 4])).to.equal(4);
    expect(majorityMatchIndex([9, 0, 0, 7, 8])).to.equal(7);
    expect(majorityMatchIndex([2, 2, 0, 0, 0])).to.equal(0);
    // The element a descending sort puts at n/2, on random clusters of 1 to 7 servers with ties.
    let x = 3;
    const rand = (k: number) =>
      Math.floor(((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * k);
    for (let round = 0; round < 2000; round++) {
      const m = Array.from({ length: 1 + rand(7) }, () => rand(6));
      expect(majorityMatchIndex(m), JSON.stringify(m)).to.equal(
        [...m].sort((a, b) => b - a)[Math.floor(m.length / 2)],
      );
    }
  });

  it('Figure 8: only an entry of the current term commits by counting replicas', () => {
    const log = logOf([1, 2, 2, 4]);
    const term = (i: number) => log.term(i);
    expect(advanceCommitIndex(1, 3, term, 4)).to.equal(1); // index 3 is from term 2: not by count
    expect(advanceCommitIndex(1, 4, term, 4)).to.equal(4); // index 4 is ours: commits 2..4 with it
    expect(advanceCommitIndex(4, 3, term, 4)).to.equal(4); // never backwards
  });

  it('conflict hint: too short -> xLen; mismatch -> the term and the first index of its run', () => {
    const log = logOf([1, 1, 4, 4, 4]);
    expect(conflictHint(log, 9)).to.deep.equal({ xTerm: -1, xIndex: -1, xLen: 6 });
    expect(conflictHint(log, 5)).to.deep.equal({ xTerm: 4, xIndex: 3, xLen: 6 });
    // After compaction the run cannot start before the snapshot.
    const compacted = logOf([4, 4, 4], 3, 4);
    expect(conflictHint(compacted, 5)).to.deep.equal({ xTerm: 4, xIndex: 4, xLen: 7 });
  });

  it('fast backup (the three cases of section 5.3)', () => {
    const leader = logOf([4, 4, 5, 5, 6, 6]);
    // The leader holds no entry of term 3: skip the follower's whole run of it.
    expect(nextIndexAfterConflict(leader, { xTerm: 3, xIndex: 2, xLen: 9 })).to.equal(2);
    // Leader has xTerm 5: retry after its last entry of term 5.
    expect(nextIndexAfterConflict(leader, { xTerm: 5, xIndex: 3, xLen: 9 })).to.equal(5);
    // Follower's log is too short.
    expect(nextIndexAfterConflict(leader, { xTerm: -1, xIndex: -1, xLen: 3 })).to.equal(3);
  });

  it('first new entry: entries already held are skipped, the first conflict is found', () => {
    const log = logOf([1, 1, 2, 2]);
    expect(
      firstNewEntry(log, 1, [
        [1, 'c2'],
        [2, 'c3'],
      ]),
    ).to.equal(2); // all held: nothing to cut
    expect(
      firstNewEntry(log, 1, [
        [1, 'c2'],
        [3, 'x'],
      ]),
    ).to.equal(1); // conflict at index 3
    expect(
      firstNewEntry(log, 3, [
        [2, 'c4'],
        [2, 'c5'],
      ]),
    ).to.equal(1); // index 5 is new
  });
});

describe('raft log', () => {
  it('indexes across compaction and truncation', () => {
    const log = logOf([1, 1, 2, 3, 3]);
    log.compact(2);
    expect([log.lastIncludedIndex, log.lastIncludedTerm, log.lastIndex, log.length]).to.deep.equal([
      2, 1, 5, 3,
    ]);
    expect(log.term(2)).to.equal(1);
    expect(log.command(3)).to.equal('c3');
    expect(() => log.command(2)).to.throw(/outside the held log/);
    expect(log.slice(4).map((e) => e[1])).to.deep.equal(['c4', 'c5']);
    log.truncateFrom(4);
    expect(log.lastIndex).to.equal(3);
    expect(() => log.truncateFrom(2)).to.throw(/snapshot/);
    expect(log.lastIndexOfTerm(1)).to.equal(2);
    expect(log.lastIndexOfTerm(7)).to.equal(-1);
  });

  it('the persistent state round-trips through the codec', () => {
    const log = logOf(Array.from({ length: 3 * CHUNK + 5 }, (_, i) => 1 + (i >> 4)));
    log.compact(CHUNK + 3);
    const state: PersistentState = {
      currentTerm: 9,
      votedFor: 1,
      lastIncludedIndex: log.lastIncludedIndex,
      lastIncludedTerm: log.lastIncludedTerm,
      log: log.savedChunks(codec),
    };
    const pieces = encodeState(codec, state);
    expect(pieces).to.deep.equal([
      codec.encode([9, 1, CHUNK + 3, log.term(CHUNK + 3)]),
      ...state.log,
    ]);
    const bytes = Buffer.concat(pieces); // what the persister stores
    const restored = decodeState(codec, bytes)!;
    expect(restored).to.deep.equal({ ...state, log: log.slice(log.lastIncludedIndex + 1) });
    const back = new RaftLog(restored.lastIncludedIndex, restored.lastIncludedTerm, restored.log);
    expect([back.lastIncludedIndex, back.lastIndex, back.term(CHUNK + 3)]).to.deep.equal([
      CHUNK + 3,
      3 * CHUNK + 5,
      log.term(CHUNK + 3),
    ]);
    expect(back.command(3 * CHUNK + 5)).to.equal(`c${3 * CHUNK + 5}`);
    expect(decodeState(codec, new Uint8Array(0))).to.equal(undefined); // nothing saved yet
    expect(() => decodeState(codec, codec.encode({ currentTerm: 3, votedFor: 1 }))).to.throw(
      /persisted state is not/,
    );
  });

  it('saves in chunks cut at multiples of CHUNK, kept chunks the same as fresh encodings', () => {
    // Every chunk encoded again, from the entries the log holds now.
    const fresh = (log: RaftLog) => {
      const chunks: Uint8Array[] = [];
      for (let from = log.lastIncludedIndex + 1; from <= log.lastIndex;) {
        const to = Math.min(Math.ceil(from / CHUNK) * CHUNK, log.lastIndex);
        chunks.push(codec.encode(log.slice(from, to)));
        from = to + 1;
      }
      return chunks;
    };
    // A fixed pseudo-random walk (LCG) over the log's changes, comparing after each.
    let x = 7;
    const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
    const log = new RaftLog();
    let term = 1;
    for (let step = 0; step < 300; step++) {
      const r = rand(100);
      if (r < 70) {
        const n = 1 + rand(40);
        log.append(...Array.from({ length: n }, (_, i): Entry => [term, `${step}.${i}`]));
      } else if (r < 80 && log.length > 0) {
        log.compact(log.lastIncludedIndex + 1 + rand(log.length));
      } else if (r < 90 && log.length > 0) {
        log.truncateFrom(log.lastIncludedIndex + 1 + rand(log.length));
        term++;
      } else if (r < 93) {
        // A snapshot from a leader, past our log or inside it: the same chunk numbers hold other entries now.
        log.reset(log.lastIncludedIndex + rand(log.length + 40), ++term);
      }
      expect(log.savedChunks(codec), `step ${step}`).to.deep.equal(fresh(log));
    }
    expect(log.lastIndex).to.be.above(10 * CHUNK);
    // A snapshot from a leader inside our log: the chunks after it hold other entries now.
    log.savedChunks(codec);
    log.reset(log.lastIndex - 3 * CHUNK, ++term);
    log.append(...Array.from({ length: 4 * CHUNK }, (_, i): Entry => [term, `after reset ${i}`]));
    expect(log.savedChunks(codec)).to.deep.equal(fresh(log));
  });
});
