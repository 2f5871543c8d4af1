// The reference Raft: this variant's bug is in the shard controller.
export * from '../../../src/raft';
