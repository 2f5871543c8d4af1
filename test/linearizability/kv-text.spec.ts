// The kv models' values as chains of writes (kv-text.ts). `spells` stops at the first link known
// to spell some string and compares the rest as one prefix: checked here against spelling the
// whole text out, on chains whose links were read (and so remembered) at random points, with
// candidate strings changed before, at and after the remembered link.
import { expect } from 'chai';
import { extend, sameText, spells, textOf, type Text } from '../../checker/models/kv-text';
import { mulberry32 } from './helpers';

describe('linearizability: kv texts', () => {
  it('spells agrees with the spelled-out text, whichever links were read before', () => {
    const random = mulberry32(7);
    const letters = 'abxy 0123';
    const chunk = () =>
      Array.from(
        { length: 1 + Math.floor(random() * 4) },
        () => letters[Math.floor(random() * letters.length)],
      ).join('');
    let mismatches = 0;
    for (let round = 0; round < 300; round++) {
      let text: Text | undefined;
      const links: Text[] = [];
      for (let i = 0, n = 1 + Math.floor(random() * 12); i < n; i++) {
        text = extend(text, chunk());
        links.push(text);
        // Read this link now and then, as a get would: it remembers its spelling.
        if (random() < 0.3) expect(spells(text, textOf(text))).to.equal(true);
      }
      const whole = textOf(text);
      const at = Math.floor(random() * whole.length);
      const changed = [
        whole,
        `${whole.slice(0, at)}${whole[at] === 'a' ? 'b' : 'a'}${whole.slice(at + 1)}`,
        whole.slice(1) + whole[0],
      ];
      for (const s of changed) {
        expect(spells(text, s), `${JSON.stringify(s)} against ${JSON.stringify(whole)}`).to.equal(
          s === whole,
        );
        if (s !== whole) mismatches++;
      }
      // Two chains of the same text built differently compare equal; a changed one does not.
      const other = extend(undefined, whole);
      expect(sameText(text, other)).to.equal(true);
    }
    expect(mismatches).to.be.greaterThan(300);
  });

  it('a remembered link settles the prefix: a change inside it is caught', () => {
    const a = extend(undefined, 'x 0 0 y');
    const b = extend(a, 'x 0 1 y');
    const c = extend(b, 'x 0 2 y');
    expect(spells(b, 'x 0 0 yx 0 1 y')).to.equal(true); // b now remembers its spelling
    expect(spells(c, 'x 0 0 yx 0 1 yx 0 2 y')).to.equal(true);
    const d = extend(b, 'x 0 2 y');
    expect(spells(d, 'x 0 9 yx 0 1 yx 0 2 y')).to.equal(false);
    expect(spells(d, 'x 0 0 yx 0 9 yx 0 2 y')).to.equal(false);
    expect(spells(d, 'x 0 0 yx 0 1 yx 0 9 y')).to.equal(false);
  });
});
