// Seeded random streams. One seed fixes a whole run; each purpose (the network, a node, a test's
// choices) gets its own stream derived from (seed, name), so adding a consumer never shifts the
// numbers another consumer sees.
import { createHash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Parses a seed given by a person: a non-negative safe integer, in decimal. */
export function parseSeed(text: string): number {
  const trimmed = String(text).trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new Error(`bad seed "${text}": a seed is a non-negative whole number such as 81723`);
  }
  const seed = Number(trimmed);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`bad seed "${text}": a seed must be at most ${MAX_SEED}`);
  }
  return seed;
}

export class Rng {
  private readonly gen: Generator;

  constructor(
    readonly seed: number,
    readonly stream: string,
  ) {
    const digest = createHash('sha256').update(`${seed}/${stream}`).digest();
    const state: number[] = [
      digest.readInt32LE(0),
      digest.readInt32LE(4),
      digest.readInt32LE(8),
      digest.readInt32LE(12),
    ];
    // xoroshiro's all-zero state is a fixed point; a sha256 digest will not produce it in practice.
    if (!state.some((word) => word !== 0)) state[0] = 1;
    this.gen = xoroshiro128plusFromState(state);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n), like Go's rand.Intn(n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`Rng.int(n) needs a positive integer, got ${n}`);
    return uniformInt(this.gen, 0, n - 1);
  }

  /** Uniform integer in [from, to], both included. */
  range(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }

  /** A non-negative safe integer, the stand-in for Go's rand.Int(). */
  safeInt(): number {
    return Math.floor(this.float() * 2 ** 53);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A random string over the URL-safe base64 alphabet, like the original tester's randstring. */
  string(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(64)];
    return out;
  }

  /** Fisher–Yates permutation of 0..n-1. */
  perm(n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
