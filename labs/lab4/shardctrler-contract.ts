// What a query must return, checked where the fixture receives it: a learner's clerk that returns
// nothing, or a configuration of the wrong shape, fails the run under `contract` with what it
// returned, instead of a TypeError deep in a check that read a field of it.
import { NShards, type Config } from '../../harness/contracts/shardctrler';
import { fail } from '../../harness/scenario';
import { describeReturned } from '../returned';

/** Throws a `contract` failure unless `value`, what query(num) returned, is a Config. */
export function checkQueryResult(value: unknown, num: number): asserts value is Config {
  const wrong = whatIsWrong(value);
  if (wrong)
    fail(
      'contract',
      `query(${num}) returned ${describeReturned(value)}: ${wrong} (a Config is { num, shards: ${NShards} gids, groups: { gid: server names } })`,
    );
}

function whatIsWrong(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'a Config object was expected';
  const config = value as Partial<Record<keyof Config, unknown>>;
  if (!Number.isInteger(config.num) || (config.num as number) < 0)
    return '`num` must be a configuration number (an integer, 0 or more)';
  const shards = config.shards;
  if (!Array.isArray(shards) || shards.length !== NShards)
    return `\`shards\` must be an array of ${NShards} gids`;
  if (!shards.every((gid) => Number.isInteger(gid) && gid >= 0))
    return '`shards` must hold gids (integers, 0 for unassigned)';
  const groups = config.groups;
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups))
    return '`groups` must be an object from gid to server names';
  for (const [gid, servers] of Object.entries(groups)) {
    if (!/^[1-9][0-9]*$/.test(gid))
      return `\`groups\` has the key ${JSON.stringify(gid)}, not a gid`;
    if (!Array.isArray(servers) || !servers.every((s) => typeof s === 'string'))
      return `\`groups[${gid}]\` must be an array of server names`;
  }
  return undefined;
}
