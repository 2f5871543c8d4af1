// The reference rsm layer: this variant's bug is in the shardkv1 layer.
export * from '../../../src/rsm';
