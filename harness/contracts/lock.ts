// What lab 2 of the 2026 edition expects of a lock built on the key/value server's clerk: every
// acquire and release goes through the clerk's versioned get and put, nothing else.
import type { Runtime } from '../api';
import type { Clerk } from './kvsrv';

export interface Lock {
  /** Resolves once this lock is held by this client (waiting while another client holds it). */
  acquire(): Promise<void>;
  /** Releases the lock, which this client holds. */
  release(): Promise<void>;
}

export interface LockModule {
  /**
   * A client of the lock named `name`, stored under that key of the key/value server; `ck` is its
   * clerk and `runtime` its node (for random identities and sleeps). Several clients may share
   * one clerk, each with its own lock name.
   */
  makeLock(ck: Clerk, name: string, runtime: Runtime): Lock;
}
