// The reference lock, on this variant's clerk (graded by the lock's tests too).
export * from '../../../src/lock';
