// The reference key/value server: this variant's bug is in the lock.
export * from '../../../src/kvsrv';
