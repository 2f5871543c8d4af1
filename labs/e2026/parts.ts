// The part registry of the 2026 edition (the course as laid out since 2025): one description per
// part, as labs/parts.ts is for 2023. Lab 2, Raft (lab 3: the 2023 edition's 2A-2D tests under the
// course's new names, lab3/raft-parts.ts); rsm (lab 4A, and 4C's
// TestSnapshot4C; lab4/rsm-tests.ts); the key/value service on rsm (4B, and the rest of 4C;
// lab4/kv-tests.ts); the sharded service whose controller moves shards (lab 5A-5C; lab5/tests.ts). Lab 2 has no lettered parts in the course: its two test files are
// two parts here, 2KV (kvsrv1) and 2LOCK (kvsrv1/lock), so that `grade lab2` grades both and
// each can be graded alone. Points: the course publishes none per test file; 10 each (our choice).
import type { PartDescription } from '../parts';
import { scenarios as kvsrv } from './lab2/kvsrv-tests';
import { ours as oursKv } from './lab2/kvsrv-ours';
import { scenarios as lock } from './lab2/lock-tests';
import { lockSwarm } from './lab2/lock-swarm';
import { RAFT_2026 } from './lab3/raft-parts';
import { ours4A, scenarios4A as rsm4A, scenarios4C as rsm4C } from './lab4/rsm-tests';
import { scenarios4B as kv4B, scenarios4C as kv4C } from './lab4/kv-tests';
import { scenarios5A, scenarios5B, scenarios5C } from './lab5/tests';
import { ours5B } from './lab5/ours';

export const PARTS_2026: readonly PartDescription[] = [
  {
    id: '2KV',
    lab: '2',
    title: 'key/value server with versioned puts',
    work: "the server's Get and Put (a put only at the key's version), the clerk's retries and ErrMaybe",
    files: 'kvsrv/',
    writes: ['kvsrv'],
    layers: ['kvsrv'],
    fromReference: [],
    needs: [],
    points: 10,
    course: kvsrv,
    ours: oursKv,
  },
  {
    id: '2LOCK',
    lab: '2',
    title: 'a lock on the key/value clerk',
    work: 'acquire and release through versioned gets and puts only',
    files: 'lock/',
    writes: ['lock'],
    layers: ['kvsrv', 'lock'],
    fromReference: ['kvsrv'],
    needs: ['2KV'],
    points: 10,
    course: lock,
    ours: [],
    swarm: lockSwarm,
  },
  ...RAFT_2026,
  {
    id: '4A',
    lab: '4',
    title: 'a replicated state machine layer on Raft (rsm)',
    work: 'submit a command through the log, execute it in log order on every replica, return its own result; fail over on a new term or when killed',
    files: 'rsm/',
    writes: ['rsm'],
    layers: ['raft', 'rsm'],
    fromReference: ['raft'],
    needs: ['3C'],
    points: 10,
    course: rsm4A,
    ours: ours4A,
  },
  {
    id: '4B',
    lab: '4',
    title: 'a key/value service on rsm, with versioned puts',
    work: "the replicas' Get and Put through the rsm (lab 2's versioned store as its state machine), the clerk's search for the leader, retries and ErrMaybe",
    files: 'kvraft1/',
    writes: ['kvraft1'],
    layers: ['raft', 'rsm', 'kvraft1'],
    fromReference: ['raft', 'rsm'],
    needs: ['4A'],
    points: 10,
    course: kv4B,
    ours: [],
  },
  {
    id: '4C',
    lab: '4',
    title: 'snapshots through the rsm layer',
    work: "snapshot the state machine when Raft's state passes maxraftstate; restore it on restart and from an installed snapshot; the key/value store's snapshot() and restore()",
    files: 'rsm/rsm.ts, kvraft1/server.ts',
    writes: ['rsm', 'kvraft1'],
    layers: ['raft', 'rsm', 'kvraft1'],
    fromReference: ['raft'],
    needs: ['4B', '3D'],
    points: 5,
    course: [...rsm4C, ...kv4C],
    ours: [],
  },
  {
    id: '5A',
    lab: '5',
    title: 'a sharded key/value service whose controller moves shards',
    work: "the controller's InitConfig, Query and ChangeConfigTo (the configuration kept in the lab-2 key/value server), the shard groups on rsm (Get, Put, FreezeShard, InstallShard, DeleteShard, each with a configuration number), the clerk routing by the configuration",
    files: 'shardkv1/',
    writes: ['shardkv1'],
    layers: ['raft', 'rsm', 'kvsrv', 'shardkv1'],
    fromReference: ['raft', 'rsm', 'kvsrv'],
    needs: ['4B', '2KV'],
    points: 10,
    course: scenarios5A,
    ours: [],
  },
  {
    id: '5B',
    lab: '5',
    title: 'recovering a controller that failed in the middle of a change',
    work: 'keep the configuration being installed in the key/value server; InitController finishes a change a previous controller left half done',
    files: 'shardkv1/ctrler.ts',
    writes: ['shardkv1'],
    layers: ['raft', 'rsm', 'kvsrv', 'shardkv1'],
    fromReference: ['raft', 'rsm', 'kvsrv'],
    needs: ['5A'],
    points: 5,
    course: scenarios5B,
    ours: ours5B,
  },
  {
    id: '5C',
    lab: '5',
    title: 'several controllers at once, cut off in the middle of a change',
    work: 'only one controller changes the configuration at a time (a versioned put in the key/value server); groups refuse a controller a later one superseded',
    files: 'shardkv1/ctrler.ts, shardkv1/shardgrp.ts',
    writes: ['shardkv1'],
    layers: ['raft', 'rsm', 'kvsrv', 'shardkv1'],
    fromReference: ['raft', 'rsm', 'kvsrv'],
    needs: ['5B'],
    points: 5,
    course: scenarios5C,
    ours: [],
  },
];
