// Our test of lab 2's key/value server, beyond the course's: the course races clerks on one key
// only over a reliable network (TestPutConcurrentReliable), and retries only one clerk alone on a
// key (TestUnreliableNet), where a put refused on a retry was always its own. Here the clerks race
// over the unreliable network, so a retried put may or may not have taken effect before another
// clerk's: a clerk must then answer ErrMaybe, never ErrVersion (surely failed) nor OK (surely
// done). Every clerk reads the key after each put and the values are unique, so a put reported
// failed whose value was read, or reported done whose value never was at its version, makes the
// history illegal under the versioned model; and the key's version must lie between the puts
// surely done and those that may have been.
import { fail, type Scenario } from '../../../harness/scenario';
import { withTestKV } from './kvsrv-test';
import { checkPutConcurrent, oneClientPut, PART_KV } from './kvsrv-tests';

const putConcurrentUnreliable: Scenario = {
  name: 'TestPutConcurrentUnreliable',
  part: PART_KV,
  description: 'Test: many clients racing to put values to the same key (ours)',
  run: (t) =>
    withTestKV(t, false, async (ts) => {
      const NCLNT = 10;
      const NSEC = 2;
      ts.begin('Test: many clients racing to put values to the same key');
      const rs = await ts.spawnClientsAndWait(NCLNT, NSEC * 1000, (me, ck, stop) =>
        oneClientPut(ts, me, ck, 'k', stop),
      );
      const ck = ts.makeClerk();
      await checkPutConcurrent(ts, ck, 'k', rs);
      const { version } = await ts.calls.getJson<unknown>(ck, 'k', -1);
      const nok = rs.reduce((a, r) => a + r.nok, 0);
      if (version < nok)
        fail(
          'put-maybe',
          `Fewer puts took effect than were reported OK: server ${version}, OK ${nok}`,
        );
      ts.checkPorcupine();
    }),
};

export const ours: readonly Scenario[] = [putConcurrentUnreliable];
