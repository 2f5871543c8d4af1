// The reference raft layer: this variant's bug is in the shardkv1 layer.
export * from '../../../src/raft';
