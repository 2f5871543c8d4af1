// A Stryker ignorer: no mutants inside the reference's own `runtime.invariant(...)` checks. Mutation
// runs switch them off (DSLAB_INVARIANTS=off, stryker/judge.mjs), so a mutant there could change
// nothing: the report lists those mutants as ignored, with this reason, instead of as survivors.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const REASON =
  "the reference's own runtime.invariant() check, switched off in mutation runs (DSLAB_INVARIANTS=off)";

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'invariants', {
    shouldIgnore(path) {
      const callee = path.isCallExpression() ? path.node.callee : undefined;
      const named =
        callee?.type === 'MemberExpression' &&
        callee.property.type === 'Identifier' &&
        callee.property.name === 'invariant';
      return named ? REASON : undefined;
    },
  }),
];
