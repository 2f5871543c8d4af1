// The pure rules of the reference Raft (src/raft/rules.ts) and its log with an offset (log.ts).
import { expect } from 'chai';
import { RaftLog, PERSIST_BLOCK } from '../../src/raft/log';
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
import { decodeState, encodeState, SaveBuffer } from '../../src/raft/state';
import { codec } from '../../engine/codec';
import type { Codec } from '../../harness/api';
import { Frame } from '../../src/raft/frame';

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

  it('persists in kept blocks: the same bytes as encoding every block again, through appends, compaction, truncation and reset', () => {
    // What the state was before the log kept its blocks' encodings: every block encoded on each save.
    const plainState = (log: RaftLog) => {
      const blocks: Uint8Array[] = [];
      for (let from = log.lastIncludedIndex + 1; from <= log.lastIndex;) {
        const to = Math.min(Math.ceil(from / PERSIST_BLOCK) * PERSIST_BLOCK, log.lastIndex);
        blocks.push(codec.encode(log.slice(from, to)));
        from = to + 1;
      }
      return codec.encode([term, 2, log.lastIncludedIndex, log.lastIncludedTerm, blocks]);
    };
    let log = new RaftLog();
    let restarts = 0;
    const reused = new SaveBuffer();
    let saves = 0;
    const save = () => {
      // Every other save into one reused buffer, as Raft saves: the same bytes either way.
      const into = saves++ % 2 === 0 ? reused : undefined;
      // The term changes along the walk: the reused buffer's kept numbers must follow.
      const bytes = encodeState(
        codec,
        {
          currentTerm: term,
          votedFor: 2,
          lastIncludedIndex: log.lastIncludedIndex,
          lastIncludedTerm: log.lastIncludedTerm,
          entryBlocks: log.encodedBlocks(codec),
        },
        into,
      );
      expect(bytes).to.deep.equal(plainState(log));
      const s = decodeState(codec, bytes)!;
      expect(s.entries).to.deep.equal(log.length === 0 ? [] : log.slice(log.lastIncludedIndex + 1));
      // Now and then a restart: the log comes back from what was saved, keeping the saved blocks.
      if (rand(8) === 0) {
        log = new RaftLog(s.lastIncludedIndex, s.lastIncludedTerm, s.entries, s.savedBlocks);
        restarts++;
      }
    };
    // A fixed pseudo-random walk (LCG) over the log's changes, saving after each.
    let x = 7;
    const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
    let term = 1;
    for (let step = 0; step < 150; step++) {
      const r = rand(100);
      if (r < 70) {
        // Commands of very different sizes, so that some blocks pass 256 and 65,536 bytes.
        const size = rand(10) === 0 ? 3000 : rand(40);
        log.append(
          ...Array.from({ length: 1 + rand(40) }, (_, i): Entry => [
            term,
            `${step}.${i}:${'x'.repeat(size)}`,
          ]),
        );
      } else if (r < 80 && log.length > 0) {
        log.compact(log.lastIncludedIndex + 1 + rand(log.length));
      } else if (r < 90 && log.length > 0) {
        log.truncateFrom(log.lastIncludedIndex + 1 + rand(log.length));
        term++;
      } else if (r < 92) {
        log.reset(log.lastIndex + rand(50), term);
      }
      save();
    }
    expect(log.lastIndex).to.be.above(5 * PERSIST_BLOCK);
    expect(restarts).to.be.above(10);
    // A snapshot installed inside the first kept block: the same block numbers hold other entries now.
    log.reset(log.lastIndex + 10, term);
    log.append(...Array.from({ length: 3 * PERSIST_BLOCK }, (_, i): Entry => [term, `a${i}`]));
    save();
    log.reset(log.lastIncludedIndex + 5, term + 1);
    log.append(...Array.from({ length: 3 * PERSIST_BLOCK }, (_, i): Entry => [term + 1, `b${i}`]));
    save();
    expect(decodeState(codec, new Uint8Array(0))).to.equal(undefined);
  });

  it('a save encodes only the entries no earlier save encoded', () => {
    let encodes = 0;
    const counting: Codec = { encode: (v) => (encodes++, codec.encode(v)), decode: codec.decode };
    new Frame(counting); // checks the codec's framing once, with encodes of its own
    const log = logOf(Array.from({ length: 10 * PERSIST_BLOCK + 5 }, () => 1));
    const encodesOfSave = () => {
      encodes = 0;
      log.encodedBlocks(counting);
      return encodes;
    };
    expect(encodesOfSave()).to.equal(10 * PERSIST_BLOCK + 5); // the first save encodes every entry
    expect(encodesOfSave()).to.equal(0);
    log.append([1, 'a'], [1, 'b']);
    expect(encodesOfSave()).to.equal(2); // the new ones
    log.compact(3 * PERSIST_BLOCK + 7);
    expect(encodesOfSave()).to.equal(0); // the block the snapshot cut is framed from kept entries
    log.truncateFrom(6 * PERSIST_BLOCK + 2);
    expect(encodesOfSave()).to.equal(0); // so is the one the truncation cut
    log.append(...Array.from({ length: 2 * PERSIST_BLOCK }, (): Entry => [2, 'c']));
    expect(encodesOfSave()).to.equal(2 * PERSIST_BLOCK); // the appended entries only, though two blocks completed
    // A restart keeps the saved complete blocks: its first save encodes the entries after them only.
    const saved = decodeState(
      counting,
      encodeState(counting, {
        currentTerm: 2,
        votedFor: 0,
        lastIncludedIndex: log.lastIncludedIndex,
        lastIncludedTerm: log.lastIncludedTerm,
        entryBlocks: log.encodedBlocks(counting),
      }),
    )!;
    const restarted = new RaftLog(
      saved.lastIncludedIndex,
      saved.lastIncludedTerm,
      saved.entries,
      saved.savedBlocks,
    );
    encodes = 0;
    restarted.encodedBlocks(counting);
    expect(encodes).to.equal(1 + (restarted.lastIndex % PERSIST_BLOCK)); // the cut block whole, and the last block's entries
    log.reset(log.lastIndex + 3, 2);
    log.append([2, 'd']);
    expect(encodesOfSave()).to.equal(1);
  });
});
