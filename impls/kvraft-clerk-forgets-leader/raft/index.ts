// The reference Raft: this variant's bug is in the key/value layer.
export * from '../../../src/raft';
