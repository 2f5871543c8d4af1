// The reference Raft: this variant's bug is in the key/value layer (see ../kvraft).
export * from '../../../src/raft';
