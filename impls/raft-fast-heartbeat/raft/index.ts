// Buggy variant: the leader heartbeats every 50 ms instead of every 120, i.e. 20 times a second to
// each follower where the lab allows 10. Nothing breaks and the course's TestCount2B, which bounds
// the whole cluster's RPCs over an idle second at about twice the rule, lets it through; the
// heartbeat-rate oracle sees it. Built by handing the reference a runtime whose heartbeat timers
// (the reference labels them "heartbeat to S<p>") are shortened, so that nothing else changes.
import type { Runtime } from '../../../harness/api';
import { makeRaft as makeReference, type MakeRaft } from '../../../src/raft';
import { lentRuntime } from '../../lent-runtime';

const FAST_HEARTBEAT_MS = 50;

/** The runtime as given, but with every heartbeat timer due after FAST_HEARTBEAT_MS. */
function fastHeartbeats(rt: Runtime): Runtime {
  return lentRuntime(rt, {
    setTimer: (ms, fn, label) =>
      rt.setTimer(label?.startsWith('heartbeat to ') ? FAST_HEARTBEAT_MS : ms, fn, label),
  });
}

export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeReference(peers, me, persister, applySink, fastHeartbeats(runtime));
