// The codec (our labgob): values to bytes and back, used for every RPC hop, persisted state and
// snapshots. Only values that survive the round trip unchanged are accepted; anything else is
// rejected at encode time with the path of the offending part, e.g.
//   args.entries[3].command: a function cannot be sent
//
// Accepted: null, booleans, finite numbers, strings, Uint8Array, arrays (dense), and plain
// objects (prototype Object.prototype or null). The wire format is MessagePack; the same value
// always encodes to the same bytes (properties in insertion order).
//
// Two fast paths do the common work in one walk each (writer.ts: encode; copy.ts: an RPC's message
// as a copy and a byte count, no bytes). Whatever they do not take goes the library's way: a
// validation walk (validate.ts, which words every error) and @msgpack/msgpack's encoder. Both
// paths give the same bytes; test/harness/codec-fast.spec.ts compares them on random values.
//
// A WireCodec keeps what makes encoding and decoding cheap (the writer's scratch buffer, the
// library's encoder and decoder, the decoder's key cache) and reuses it: a simulator holds one, for
// every RPC hop and for its nodes' runtime.codec. The functions exported below (encode, decode,
// pack, codec) keep nothing between calls: they are for code outside a simulation's hot paths.
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Codec } from '../../harness/api';
import { WireCopy } from './copy';
import { UNUSUAL } from './format';
import { validate } from './validate';
import { Writer } from './writer';

export { CodecError, validate } from './validate';

const ENCODER_OPTIONS = Object.freeze({ ignoreUndefined: false, forceIntegerToFloat: false });
/** The scratch buffer of a one-off encode (encode() below): most values are small. */
const ONE_OFF_SCRATCH_BYTES = 1024;

/**
 * Map keys decoded recently, by byte length, so that the same property names are not decoded from
 * UTF-8 again on every message. It replaces @msgpack/msgpack's own shared key cache, which evicts
 * at random with Math.random once more than 16 distinct keys of one length have been seen (gids
 * as keys of a configuration's groups do that): the simulator traps Math.random, so eviction here
 * is round-robin.
 */
class KeyCache {
  private static readonly MAX_KEY_BYTES = 16;
  private static readonly PER_LENGTH = 16;
  /** By byte length - 1, each made on the first key of its length (a one-off decode sees few). */
  private readonly buckets: (
    { keys: { bytes: Uint8Array; str: string }[]; next: number } | undefined
  )[] = [];
  private readonly utf8 = new TextDecoder();

  canBeCached(byteLength: number): boolean {
    return byteLength > 0 && byteLength <= KeyCache.MAX_KEY_BYTES;
  }

  decode(bytes: Uint8Array, offset: number, byteLength: number): string {
    const bucket = (this.buckets[byteLength - 1] ??= { keys: [], next: 0 });
    search: for (const key of bucket.keys) {
      for (let j = 0; j < byteLength; j++) if (key.bytes[j] !== bytes[offset + j]) continue search;
      return key.str;
    }
    const copy = bytes.slice(offset, offset + byteLength);
    const str = this.utf8.decode(copy);
    if (bucket.keys.length < KeyCache.PER_LENGTH) bucket.keys.push({ bytes: copy, str });
    else bucket.keys[bucket.next++ % KeyCache.PER_LENGTH] = { bytes: copy, str };
    return str;
  }
}

/**
 * A message on its way: what decode(encode(value)) would give the receiver, the length of
 * encode(value), and the bytes themselves only if someone asks (a trace that shows messages).
 */
export interface Parcel {
  readonly byteLength: number;
  /** The encoded message (computed on the first call; ask before open()). */
  bytes(): Uint8Array;
  /** The receiver's copy: call once. */
  open(): unknown;
}

/**
 * The codec with its buffers and caches, reused from call to call. Each part is made when first
 * needed (a run that never takes the library's path never builds its encoder).
 */
export class WireCodec implements Codec {
  private writer: Writer | undefined;
  private encoder: Encoder | undefined;
  private decoder: Decoder | undefined;

  /** `scratchBytes`: the writer's first buffer (it grows to the largest value written). */
  constructor(private readonly scratchBytes?: number) {}

  /** Encodes `value`, or throws a CodecError naming what cannot be sent. `path` names the root. */
  encode(value: unknown, path = 'value'): Uint8Array {
    try {
      return (this.writer ??= new Writer(this.scratchBytes)).write(value);
    } catch (error) {
      if (error !== UNUSUAL) throw error;
      return this.encodeSlowly(value, path);
    }
  }

  /** The library's path: validation (which throws the CodecError), then @msgpack/msgpack. */
  encodeSlowly(value: unknown, path = 'value'): Uint8Array {
    validate(value, path);
    return (this.encoder ??= new Encoder(ENCODER_OPTIONS)).encode(value);
  }

  /** Decodes bytes produced by encode(); the result shares nothing with any other value. */
  decode<T = unknown>(bytes: Uint8Array): T {
    return this.decoderOf().decode(bytes) as T;
  }

  /** Decodes encodings laid end to end, in order (state saved in pieces: PersisterApi.save). */
  decodeSequence(bytes: Uint8Array): unknown[] {
    return [...this.decoderOf().decodeMulti(bytes)];
  }

  private decoderOf(): Decoder {
    return (this.decoder ??= new Decoder({ keyDecoder: new KeyCache() }));
  }

  /**
   * Packs `value` for one hop, or throws a CodecError naming what cannot be sent (`path` names the
   * root). Same checks, same byte count and same received value as encode() then decode() at the
   * other end, including a decode error there (a value that encodes but cannot be decoded travels
   * as bytes).
   */
  pack(value: unknown, path = 'value'): Parcel {
    try {
      const copy = new WireCopy(value);
      return new CopyParcel(this, copy.value, copy.byteLength);
    } catch (error) {
      if (error !== UNUSUAL) throw error;
      return new BytesParcel(this, this.encode(value, path));
    }
  }
}

class CopyParcel implements Parcel {
  private encoded: Uint8Array | undefined;
  private opened = false;

  constructor(
    private readonly codec: WireCodec,
    private readonly value: unknown,
    readonly byteLength: number,
  ) {}

  bytes(): Uint8Array {
    if (this.opened && !this.encoded)
      throw new Error(
        'Parcel.bytes(): the receiver may have changed the message; ask before open()',
      );
    return (this.encoded ??= this.codec.encode(this.value));
  }

  open(): unknown {
    if (this.opened) throw new Error('Parcel.open(): a message is received once');
    this.opened = true;
    return this.value;
  }
}

class BytesParcel implements Parcel {
  constructor(
    private readonly codec: WireCodec,
    private readonly encoded: Uint8Array,
  ) {}

  get byteLength(): number {
    return this.encoded.length;
  }

  bytes(): Uint8Array {
    return this.encoded;
  }

  open(): unknown {
    return this.codec.decode(this.encoded);
  }
}

// One-off calls: each builds only what it needs and keeps nothing.

/** WireCodec.encode with a writer of its own. */
export function encode(value: unknown, path = 'value'): Uint8Array {
  return new WireCodec(ONE_OFF_SCRATCH_BYTES).encode(value, path);
}

/** WireCodec.encodeSlowly with an encoder of its own. */
export function encodeSlowly(value: unknown, path = 'value'): Uint8Array {
  return new WireCodec().encodeSlowly(value, path);
}

/** WireCodec.decode with a decoder of its own. */
export function decode<T = unknown>(bytes: Uint8Array): T {
  return new WireCodec().decode<T>(bytes);
}

/** WireCodec.pack with a codec of its own. */
export function pack(value: unknown, path = 'value'): Parcel {
  return new WireCodec(ONE_OFF_SCRATCH_BYTES).pack(value, path);
}

/** WireCodec.decodeSequence with a decoder of its own. */
export function decodeSequence(bytes: Uint8Array): unknown[] {
  return new WireCodec().decodeSequence(bytes);
}

/** The Codec interface over the one-off functions. */
export const codec: Codec = Object.freeze({
  encode: (value: unknown) => encode(value),
  decode,
  decodeSequence,
});
