// The checks a run can fail, by identifier. A failing run carries the id of the check that failed
// beside its message, from where it fails (an oracle, a fixture's or a test's fail(), the
// simulator, the grader's watchdogs) through the worker protocol to the --json results and the
// report; whatever decides whether two failures are the same (grade shrink, the variant specs)
// compares ids, never message text. A test that fails calls fail(check, message) with one of these.

/** Every check, with what it asks of the implementation (one line each). */
export const CHECKS = {
  // Raft safety oracles (labs/lab2/raft-oracle.ts), always on, beyond the course's checks.
  'election-safety': 'at most one server leads a term, over the whole run (across restarts)',
  'term-monotonicity': "a server's term never decreases, also across a restart",
  'leader-append-only': "a leader's start() indices only grow within its term",
  'leader-completeness': 'a new leader holds every entry committed in an earlier term',
  // Raft timeliness oracles (labs/lab2/raft-timeliness.ts), always on in the Raft tests from 2A.
  'stale-leader':
    'a server that has processed a message with a higher term no longer leads (getState, start) its old term',
  'heartbeat-rate':
    'an idle leader sends at most ten heartbeats (AppendEntries without entries) per second to each peer',
  'vote-count':
    'a leader was granted votes by a majority in its own term (a vote counts only in its own election)',
  // The tester's appliers (labs/lab2/raft-appliers.ts).
  'monotonic-apply':
    'an incarnation applies each index once, in order, and no snapshot takes it back',
  'apply-error':
    'every applied command and snapshot agrees with what the other servers applied at that index, in order',
  // The Raft tests' own checks.
  'one-leader':
    'exactly one leader among the connected servers when the test looks (none without a majority)',
  'term-agreement': 'the connected servers agree on the term, and it is at least 1',
  'stable-term': 'the term holds while nothing fails (no needless elections)',
  agreement: 'enough servers apply a command within the time the test allows (one(), wait())',
  'committed-values':
    'what is committed is what was started: the same value everywhere, every started or seen command present',
  'start-index': 'start() on the leader is accepted and returns the index the test expects',
  'majority-required': 'nothing commits or completes in a minority partition',
  'rpc-count': 'the number of RPCs stays within the bound of the test',
  'rpc-bytes': 'the bytes sent stay within the bound of the test',
  'log-trimmed':
    'snapshots are taken and trim the log: the persisted Raft state stays under its bound',
  'snapshot-size': 'a snapshot stays under its bound (and is empty when snapshots are off)',
  'test-time-limit': "the test finishes within the course's 120 s of virtual time",
  contract: 'make...(), start() and getState() return what the contract says (harness/contracts)',
  // The key/value tests (3A, 3B, 4B and ours).
  'wrong-value':
    'a read returns what the test knows it must (each append once, in order, none missing)',
  linearizability: 'the recorded history of client operations is linearizable',
  'exactly-once': 'every write takes effect exactly once (the swarm: none twice, none lost)',
  liveness: 'operations complete once they can: after a heal, a restart, a rejoined majority',
  speed: 'operations complete fast enough (at least 3 per heartbeat interval)',
  // The shard controller (4A).
  'config-valid':
    'a configuration has the groups it should, every shard on one of them, balanced; moves go where asked',
  'config-minimal': 'a join or leave moves as few shards as a balanced rebalance can',
  'config-same': 'a configuration reads the same later, from another server, and after a restart',
  'config-history':
    "the configurations explain the clients' operations: each write once, in order, queries fresh",
  // The sharded key/value service (4B).
  'shard-deletion': 'a group deletes the shards it no longer owns (challenge 1)',
  'shard-availability':
    'exactly the shards that can be served are, while a group is down or a migration is pending',
  // The 2026 edition's lab 5: the sharded service whose controller moves shards (labs/e2026/lab5).
  'shard-owner':
    'a shard is served by one group at a time: none answers for one it froze or that went elsewhere',
  'config-recovered':
    'a new controller finishes the change a previous one left half done (the group joined or left)',
  // The 2026 edition's lab 2: the versioned key/value server and the lock (labs/e2026/lab2).
  'put-version':
    'a put takes effect only at its version (ErrVersion otherwise, ErrNoKey for a missing key above 0)',
  'put-maybe':
    'a retried put refused with ErrVersion returns ErrMaybe (it may have taken effect); none takes effect twice',
  'server-memory':
    'the server keeps no state per client: what it holds grows by less than 200 bytes per client',
  'mutual-exclusion': 'a lock is held by at most one client at a time',
  // The 2026 edition's rsm layer (labs/e2026/lab4).
  'rsm-counter':
    'every replica executes every committed command once, in log order (the counters agree)',
  'rsm-result': "a submission that succeeds returns its own command's result",
  'rsm-executed':
    'only committed commands are executed; a restored snapshot is one the state machine made',
  'rsm-waits':
    "a cut-off leader's submissions do not complete (nor fail) before the partition heals, and return soon after",
  'rsm-shutdown': 'every submission waiting on a replica returns once the replica is shut down',
  // How the simulator stops a run (engine/sim/simulator.ts) or the run ends otherwise.
  deadlock: 'the test waits for something no event can ever bring about',
  'virtual-time-limit': 'the test finishes within its virtual-time limit',
  'busy-loop': 'virtual time advances (no endless loop of zero-delay events)',
  determinism:
    'no real time, real timers or unseeded randomness in code under simulation (engine/sim/guard.ts)',
  'implementation-threw': 'no exception escapes the implementation (the message says where)',
  'implementation-invariant':
    "the implementation's own runtime.invariant() checks hold (the message is the implementation's)",
  // The grader's own verdicts on a run it could not finish.
  hung: 'the run finishes within the real-time limit, and its worker keeps responding',
  crashed: 'the worker process survives the run (no out-of-memory, no process.exit)',
  'not-started': 'the run can start (its test exists, the implementation loads)',
} as const satisfies Record<string, string>;

/** The identifier of a check, e.g. 'linearizability'. */
export type CheckId = keyof typeof CHECKS;

export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

export function isCheckId(value: unknown): value is CheckId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CHECKS, value);
}
