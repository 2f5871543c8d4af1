// What lab 2 of the 2026 edition expects of a key/value server on one machine with versioned puts
// (and of its clerk), and what the lock of lab 2 is built on.
//
// The harness hosts the server as one network server with the service "KVServer"; each clerk runs
// on its own node and reaches the server through the one client end it is given. The network may
// lose requests and replies (the course's unreliable setting): a clerk retries until it has a reply.
import type { ClientEnd, Handler, Runtime } from '../api';

/** A version: 0 for a key that does not exist; each successful put adds one. */
export type Version = number;

/**
 * The outcome of a call. ErrMaybe is the clerk's alone: a put that was retried and then refused
 * with ErrVersion may or may not have taken effect (its first attempt may have, its reply lost).
 */
export type Err = 'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';

export interface GetResult {
  /** The value ("" when err is ErrNoKey). */
  value: string;
  /** The key's version (0 when err is ErrNoKey). */
  version: Version;
  /** OK or ErrNoKey. */
  err: Err;
}

/** The server. */
export interface KVServer {
  /** Stops the server for good (the harness also stops its node). */
  kill(): void;
  /** The handlers registered as service "KVServer" (called as "KVServer.<name>"). */
  readonly handlers: Readonly<Record<string, Handler>>;
}

/** A client of the server. One clerk is used by one task at a time. */
export interface Clerk {
  /** The key's value and version, or ErrNoKey. Retries until it has an answer. */
  get(key: string): Promise<GetResult>;
  /**
   * Installs `value` if the key's version is `version` (version 0 creates a missing key); the
   * version then grows by one. Otherwise ErrVersion, or ErrNoKey for a missing key and a version
   * above 0. A retried put refused with ErrVersion returns ErrMaybe.
   */
  put(key: string, value: string, version: Version): Promise<Err>;
}

export interface KVSrvModule {
  /** Starts the server on its node. Must return quickly. */
  makeKVServer(runtime: Runtime): KVServer;
  /** A clerk on its own node (`runtime`) whose `server` end reaches the server. */
  makeClerk(server: ClientEnd, runtime: Runtime): Clerk;
}
