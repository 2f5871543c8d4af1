// checkClntAppends scans a value once for a client's elements instead of searching it once per
// element. Its verdicts and messages are compared here with the per-element search (the course's
// checkClntAppends, written out below as the oracle) on generated values: correct ones, and copies
// with an element dropped, repeated, moved, or with its digits disturbed (leading zeros, a
// neighbour's number, a broken tail), where the prefix scan could go wrong.
import { expect } from 'chai';
import { appendElement, checkClntAppends, OwnValue } from '../../labs/lab3/kv-history';
import { mulberry32 } from '../linearizability/helpers';

/** The course's check: indexOf and lastIndexOf of every element. */
function perElementSearch(c: number, v: string, count: number): void {
  let last = -1;
  for (let k = 0; k < count; k++) {
    const w = appendElement(c, k);
    const first = v.indexOf(w);
    if (first < 0) throw new Error(`${c} missing element ${w}`);
    if (v.lastIndexOf(w) !== first) throw new Error(`duplicate element ${w}`);
    if (first <= last) throw new Error(`wrong order for element ${w}`);
    last = first;
  }
}

/** The verdict as a string: "ok", or the failure's first line up to the value. */
function verdict(
  check: (c: number, v: string, count: number) => void,
  c: number,
  v: string,
  count: number,
): string {
  try {
    check(c, v, count);
    return 'ok';
  } catch (e) {
    return (e as Error).message.replace(/ in Append result[\s\S]*$/, '');
  }
}

/** Clients 0..clients-1 appending `count` elements each, interleaved at random. */
function interleaved(random: () => number, clients: number, count: number): string[] {
  const next = new Array<number>(clients).fill(0);
  const out: string[] = [];
  while (out.length < clients * count) {
    const c = Math.floor(random() * clients);
    if (next[c] < count) out.push(appendElement(c, next[c]++));
  }
  return out;
}

function mutate(random: () => number, elements: string[]): string {
  const e = elements.slice();
  const i = Math.floor(random() * e.length);
  const j = Math.floor(random() * e.length);
  switch (Math.floor(random() * 8)) {
    case 0:
      e.splice(i, 1); // lost
      break;
    case 1:
      e.splice(j, 0, e[i]); // applied twice
      break;
    case 2:
      [e[i], e[j]] = [e[j], e[i]]; // reordered
      break;
    case 3:
      e[i] = e[i].replace(/ (\d+) y$/, ' 0$1 y'); // a leading zero
      break;
    case 4:
      e[i] = e[i].replace(/ y$/, 'y'); // a broken tail
      break;
    case 5:
      e[i] = e[i].replace(/^x (\d+) /, 'x 1$1 '); // another client's number
      break;
    case 6:
      e[i] = `x ${e[i]}`; // a stray prefix before a good element
      break;
    default:
      e[i] = e[i].slice(0, -2) + e[j]; // two elements run together
  }
  return e.join('');
}

describe('kvraft fixture: checkClntAppends (one scan per client)', () => {
  it('agrees with the per-element search on correct and damaged values, message for message', () => {
    const random = mulberry32(15);
    let failures = 0;
    let checked = 0;
    for (let round = 0; round < 400; round++) {
      const clients = 1 + Math.floor(random() * 12);
      const count = Math.floor(random() * 25);
      const elements = interleaved(random, clients, count);
      const values = [elements.join('')];
      if (elements.length > 0) for (let m = 0; m < 3; m++) values.push(mutate(random, elements));
      for (const v of values) {
        for (let c = 0; c < clients; c++) {
          const want = verdict(perElementSearch, c, v, count);
          expect(
            verdict(checkClntAppends, c, v, count),
            `client ${c} of ${JSON.stringify(v)}`,
          ).to.equal(want);
          if (want !== 'ok') failures++;
          checked++;
        }
      }
    }
    // The damaged values must actually exercise the failure paths.
    expect(failures).to.be.greaterThan(checked / 20);
  });

  it('ignores elements past count and other clients whose number starts alike', () => {
    expect(() => checkClntAppends(1, 'x 1 0 yx 11 0 yx 1 1 yx 1 2 y', 2)).to.not.throw();
    expect(() => checkClntAppends(1, 'x 11 0 yx 1 1 y', 2)).to.throw(/missing element x 1 0 y/);
    expect(() => checkClntAppends(1, 'x 1 00 yx 1 1 y', 2)).to.throw(/missing element x 1 0 y/);
    expect(() => checkClntAppends(1, 'x 1 0 yx 1 1 yx 1 0 y', 2)).to.throw(
      /duplicate element x 1 0 y/,
    );
  });
});

describe("kvraft fixture: OwnValue (a client's own key, checked in two parts)", () => {
  /** A client's reads as the course checks them: the whole expected value rebuilt and compared. */
  function wholeValue(reads: { appends: string[]; got: string }[]): string {
    let last = '';
    for (const { appends, got } of reads) {
      last += appends.join('');
      if (got !== last)
        return `get wrong value, wanted ${JSON.stringify(last)}, got ${JSON.stringify(got)}`;
    }
    return 'ok';
  }

  function twoParts(reads: { appends: string[]; got: string }[]): string {
    const own = new OwnValue();
    try {
      for (const { appends, got } of reads) {
        for (const a of appends) own.append(a);
        own.check('3', got);
      }
      return 'ok';
    } catch (e) {
      const m = /wanted:\n(.*)\n, got\n(.*)\n$/.exec((e as Error).message);
      return `get wrong value, wanted ${m?.[1]}, got ${m?.[2]}`;
    }
  }

  it('agrees with rebuilding the value on correct reads and on reads that lost, repeated or changed an append', () => {
    const random = mulberry32(3);
    let failures = 0;
    for (let round = 0; round < 300; round++) {
      const reads: { appends: string[]; got: string }[] = [];
      let value = '';
      let k = 0;
      for (let r = 0; r < 8; r++) {
        const appends = Array.from({ length: Math.floor(random() * 4) }, () =>
          appendElement(3, k++),
        );
        value += appends.join('');
        reads.push({ appends, got: value });
      }
      const victim = reads[Math.floor(random() * reads.length)];
      const kind = Math.floor(random() * 5);
      if (kind === 1) victim.got = victim.got.slice(0, -1); // a cut value
      if (kind === 2) victim.got = `${victim.got}x 3 0 y`; // an append applied twice
      if (kind === 3 && victim.got.length > 0) victim.got = `y${victim.got.slice(1)}`; // an old part changed
      if (kind === 4) victim.got = victim.got.replace(/x 3 (\d+) y$/, 'x 3 9$1 y'); // the newest append changed
      const want = wholeValue(reads);
      expect(twoParts(reads), JSON.stringify(reads)).to.equal(want);
      if (want !== 'ok') failures++;
    }
    expect(failures).to.be.greaterThan(100);
  });

  it('fails a read that is not a string', () => {
    expect(() => new OwnValue().check('0', undefined as unknown as string)).to.throw(
      /get wrong value, key 0/,
    );
  });
});
