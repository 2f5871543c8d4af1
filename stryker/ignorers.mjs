// Stryker ignorers: code a mutant could change without changing what the harness sees, so the
// report lists those mutants as ignored with the reason instead of as survivors.
// - `invariants`: the reference's own `runtime.invariant(...)` checks. Mutation runs switch them
//   off (DSLAB_INVARIANTS=off, stryker/judge.mjs), so a mutant inside one changes nothing.
// - `trace-text`: what a node writes to the trace (`rt.log(...)`) and the names it gives its
//   timers, sleeps and signals, shown in traces and deadlock reports; no check reads them.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** The name of a call's method (`x.y.invariant(...)` -> "invariant"), if it is a method call. */
function methodOf(node) {
  const callee = node?.type === 'CallExpression' ? node.callee : undefined;
  return callee?.type === 'MemberExpression' && callee.property.type === 'Identifier'
    ? callee.property.name
    : undefined;
}

/** Whether `node` is the runtime (`rt`, `runtime`, `this.rt`, `this.runtime`). */
function isRuntime(node) {
  const name =
    node?.type === 'Identifier'
      ? node.name
      : node?.type === 'MemberExpression' && node.property.type === 'Identifier'
        ? node.property.name
        : undefined;
  return name === 'rt' || name === 'runtime';
}

/** Methods of the runtime whose argument at that position is a name for people, not behaviour. */
const LABEL_ARGUMENT = { setTimer: 2, sleep: 1, signal: 0 };

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'invariants', {
    shouldIgnore(path) {
      if (methodOf(path.node) === 'invariant')
        return "the reference's own runtime.invariant() check, switched off in mutation runs (DSLAB_INVARIANTS=off)";
      return undefined;
    },
  }),
  declareValuePlugin(PluginKind.Ignore, 'trace-text', {
    shouldIgnore(path) {
      const { node, parent } = path;
      if (methodOf(node) === 'log' && isRuntime(node.callee.object))
        return 'trace output only (runtime.log): no check reads it';
      const method = methodOf(parent);
      const at = method !== undefined ? LABEL_ARGUMENT[method] : undefined;
      if (at !== undefined && isRuntime(parent.callee.object) && parent.arguments[at] === node)
        return `the name of a ${method === 'signal' ? 'signal' : 'timer'} in traces and deadlock reports: no check reads it`;
      return undefined;
    },
  }),
];
