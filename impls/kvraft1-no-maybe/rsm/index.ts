// The reference rsm layer: this variant's bug is in the kvraft1 layer.
export * from '../../../src/rsm';
