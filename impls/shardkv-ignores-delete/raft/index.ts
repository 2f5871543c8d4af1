// The reference Raft: this variant's bug is in the sharded key/value layer.
export * from '../../../src/raft';
