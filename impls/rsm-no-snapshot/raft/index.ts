// The reference Raft: this variant's bug is in the rsm layer.
export * from '../../../src/raft';
