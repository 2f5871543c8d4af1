// The static half of grader/module-state.ts: the rules that find module-level state in one compiled
// JavaScript module (acorn's tree). A module's top level may only declare things that never change,
// and no code anywhere in it may write to a module-level binding or to a property of one; each
// finding says what and why, in words a learner can act on.
import {
  parse,
  type AnyNode,
  type Expression,
  type Node,
  type Pattern,
  type Program,
  type Statement,
} from 'acorn';
import { ancestor } from 'acorn-walk';

/** tsc's CommonJS helpers, declared as `var __x = (this && this.__x) || ...` at the top of a module. */
const TSC_HELPERS = new Set([
  '__createBinding',
  '__setModuleDefault',
  '__importStar',
  '__importDefault',
  '__exportStar',
  '__awaiter',
  '__rest',
  '__decorate',
  '__classPrivateFieldGet',
  '__classPrivateFieldSet',
  '__classPrivateFieldIn',
]);

/** Names that reach shared objects from anywhere in a module (a write through them is state). */
const SHARED_ROOTS = new Set(['exports', 'module', 'require', 'globalThis', 'global']);

/** Properties that lead from any object to a class or a prototype (shared by every run). */
const PROTOTYPE_KEYS = new Set(['constructor', 'prototype', '__proto__']);

/** Calls that change their first argument in place. */
const MUTATORS = new Set([
  'Object.assign',
  'Object.defineProperty',
  'Object.defineProperties',
  'Object.setPrototypeOf',
  'Reflect.set',
  'Reflect.defineProperty',
  'Reflect.deleteProperty',
  'Reflect.setPrototypeOf',
]);

export interface RawFinding {
  line: number;
  column: number;
  what: string;
  why: string;
}

/** The findings of one module's source (empty: stateless at module level). */
export function analyseModule(code: string): RawFinding[] {
  let program: Program;
  try {
    program = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      locations: true,
      allowHashBang: true,
      allowReturnOutsideFunction: true,
    });
  } catch (error) {
    return [
      {
        line: 1,
        column: 0,
        what: 'the module',
        why: `could not be parsed (${(error as Error).message})`,
      },
    ];
  }
  const findings: RawFinding[] = [];
  const add = (node: Node, what: string, why: string) =>
    findings.push({ line: node.loc!.start.line, column: node.loc!.start.column, what, why });
  // Every top-level name first: tsc writes `exports.f = f;` above the function it exports.
  const bindings = new Set(program.body.flatMap(declaredNames));
  const primitives = new Set<string>();
  for (const statement of program.body) topLevel(statement, bindings, primitives, add);
  writes(program, bindings, add);
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

type Add = (node: Node, what: string, why: string) => void;

function declaredNames(s: Statement | AnyNode): string[] {
  if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id)
    return [s.id.name];
  if (s.type === 'VariableDeclaration') return s.declarations.flatMap((d) => patternNames(d.id));
  return [];
}

function topLevel(
  s: Statement | AnyNode,
  bindings: Set<string>,
  primitives: Set<string>,
  add: Add,
): void {
  switch (s.type) {
    case 'EmptyStatement':
      return;
    case 'FunctionDeclaration':
      return;
    case 'ClassDeclaration': {
      if (!s.id) return;
      const name = s.id.name;
      for (const member of s.body.body) {
        if (member.type === 'StaticBlock')
          add(
            member,
            `class ${name} static block`,
            'runs once per load and may keep state on the class',
          );
        else if (member.type === 'PropertyDefinition' && member.static)
          add(
            member,
            `static ${keyName(member.key)}`,
            `is a field of the class ${name} itself, shared by every run`,
          );
      }
      return;
    }
    case 'VariableDeclaration':
      for (const d of s.declarations) {
        const what = `${s.kind} ${d.id.type === 'Identifier' ? d.id.name : '{...}'}`;
        // tsc declares re-exported modules with var: the binding is never assigned (writes() checks).
        if (d.init && isRequire(d.init, bindings)) continue;
        if (s.kind !== 'const') {
          if (
            s.kind === 'var' &&
            d.id.type === 'Identifier' &&
            TSC_HELPERS.has(d.id.name) &&
            isHelperInit(d.id.name, d.init)
          )
            continue;
          add(d, what, 'is module-level state');
        } else if (d.id.type !== 'Identifier' || !d.init) {
          add(
            d,
            what,
            'is module-level state (only constants of primitives, frozen literals, functions and required modules are kept between runs)',
          );
        } else if (isPrimitive(d.init, primitives, bindings)) {
          primitives.add(d.id.name);
        } else if (!isConstantValue(d.init, primitives, bindings)) {
          add(d, what, `holds ${describe(d.init)}, module-level state shared by every run`);
        }
      }
      return;
    case 'ExpressionStatement':
      if (s.directive !== undefined) return;
      if (isBoilerplate(s.expression, primitives, bindings)) return;
      if (s.expression.type === 'AssignmentExpression' && isExportsMember(s.expression.left)) {
        add(
          s,
          `export ${keyName((s.expression.left as unknown as { property: Node }).property)}`,
          `holds ${describe(s.expression.right)}, module-level state shared by every run`,
        );
      } else {
        add(s, summary(s.expression), 'runs when the module loads and may keep state');
      }
      return;
    default:
      add(s, s.type, 'runs when the module loads and may keep state');
  }
}

/** `(this && this.__x) || ...`: how tsc declares a helper. */
function isHelperInit(name: string, init: Expression | null | undefined): boolean {
  if (init?.type !== 'LogicalExpression' || init.operator !== '||') return false;
  const left = init.left;
  return (
    left.type === 'LogicalExpression' &&
    left.operator === '&&' &&
    left.left.type === 'ThisExpression' &&
    isMember(left.right, 'this', name)
  );
}

/** require('x'), a tsc helper around it, or a member of a required module. */
function isRequire(e: Expression, bindings: Set<string>): boolean {
  if (e.type === 'CallExpression' && e.callee.type === 'Identifier') {
    if (e.callee.name === 'require')
      return (
        e.arguments.length === 1 &&
        e.arguments[0].type === 'Literal' &&
        typeof e.arguments[0].value === 'string'
      );
    if (TSC_HELPERS.has(e.callee.name))
      return (
        e.arguments.length === 1 &&
        e.arguments[0].type !== 'SpreadElement' &&
        isRequire(e.arguments[0], bindings)
      );
  }
  // `const { a } = require('x')` is a pattern: handled by the caller through the init.
  if (e.type === 'MemberExpression' && !e.computed)
    return (
      (e.object.type === 'Identifier' && bindings.has(e.object.name)) ||
      (e.object.type !== 'Super' && isRequire(e.object, bindings))
    );
  return false;
}

/** A value that can never change: a primitive, a function, a frozen literal tree of those, a regex without g/y. */
function isConstantValue(e: Expression, primitives: Set<string>, bindings: Set<string>): boolean {
  if (isPrimitive(e, primitives, bindings) || isReference(e, bindings)) return true;
  if (e.type === 'FunctionExpression' || e.type === 'ArrowFunctionExpression') return true;
  if (e.type === 'Literal' && e.regex) return !/[gy]/.test(e.regex.flags);
  if (
    e.type === 'CallExpression' &&
    isMember(e.callee, 'Object', 'freeze') &&
    e.arguments.length === 1
  ) {
    const arg = e.arguments[0];
    if (arg.type === 'ArrayExpression')
      return arg.elements.every(
        (x) => x !== null && x.type !== 'SpreadElement' && isConstantValue(x, primitives, bindings),
      );
    if (arg.type === 'ObjectExpression') {
      return arg.properties.every(
        (p) =>
          p.type === 'Property' &&
          !p.computed &&
          p.kind === 'init' &&
          isConstantValue(p.value as Expression, primitives, bindings),
      );
    }
  }
  return false;
}

/**
 * Another module-level binding or a member of one (a constant of this module, an export of a
 * required module): its value is judged where it is declared (every module reloaded is checked; a
 * module outside the implementation is shared by every run whether or not the implementation is).
 */
function isReference(e: Node, bindings: Set<string>): boolean {
  if (e.type === 'Identifier') return bindings.has((e as unknown as { name: string }).name);
  if (e.type !== 'MemberExpression') return false;
  const m = e as unknown as { object: Node; computed: boolean };
  return !m.computed && (isIdent(m.object, 'exports') || isReference(m.object, bindings));
}

/**
 * An expression whose value is a primitive: literals, and operators (every binary operator gives a
 * primitive) on literals, primitive constants and references.
 */
function isPrimitive(e: Expression, primitives: Set<string>, bindings: Set<string>): boolean {
  switch (e.type) {
    case 'Literal':
      return !e.regex;
    case 'TemplateLiteral':
      return e.expressions.every((x) => isPrimitive(x, primitives, bindings));
    case 'Identifier':
      return (
        primitives.has(e.name) ||
        e.name === 'undefined' ||
        e.name === 'Infinity' ||
        e.name === 'NaN'
      );
    case 'UnaryExpression':
      return e.operator !== 'delete' && isPrimitive(e.argument, primitives, bindings);
    case 'BinaryExpression':
      return (
        e.left.type !== 'PrivateIdentifier' &&
        [e.left, e.right].every(
          (x) => isPrimitive(x, primitives, bindings) || isReference(x, bindings),
        )
      );
    case 'LogicalExpression':
    case 'ConditionalExpression':
      return (
        e.type === 'ConditionalExpression' ? [e.test, e.consequent, e.alternate] : [e.left, e.right]
      ).every((x) => isPrimitive(x, primitives, bindings));
    default:
      return false;
  }
}

/**
 * tsc's CommonJS statements: `Object.defineProperty(exports, "__esModule", ...)`, re-export
 * getters, `__exportStar(require(...), exports)`, `exports.a = exports.b = void 0`, and
 * `exports.x = <binding or constant>`.
 */
function isBoilerplate(e: Expression, primitives: Set<string>, bindings: Set<string>): boolean {
  if (e.type === 'CallExpression') {
    const args = e.arguments;
    if (
      isMember(e.callee, 'Object', 'defineProperty') &&
      args.length === 3 &&
      isIdent(args[0], 'exports') &&
      args[1].type === 'Literal'
    ) {
      const d = args[2];
      if (d.type !== 'ObjectExpression') return false;
      return d.properties.every((p) => {
        if (p.type !== 'Property' || p.computed) return false;
        const key = keyName(p.key);
        if (key === 'value' || key === 'enumerable')
          return p.value.type === 'Literal' && typeof p.value.value === 'boolean';
        // A re-export: `get: function () { return m.x; }`.
        return (
          key === 'get' && p.value.type === 'FunctionExpression' && isReturnOnly(p.value.body.body)
        );
      });
    }
    return (
      isIdent(e.callee, '__exportStar') &&
      args.length === 2 &&
      args[0].type === 'CallExpression' &&
      isIdent(args[0].callee, 'require') &&
      isIdent(args[1], 'exports')
    );
  }
  if (e.type === 'AssignmentExpression' && e.operator === '=' && isExportsMember(e.left)) {
    const value = e.right;
    if (value.type === 'AssignmentExpression') return isBoilerplate(value, primitives, bindings);
    return isIdent(value, 'undefined') || isConstantValue(value, primitives, bindings);
  }
  return false;
}

function isReturnOnly(body: Statement[]): boolean {
  if (body.length !== 1 || body[0].type !== 'ReturnStatement' || !body[0].argument) return false;
  const arg = body[0].argument;
  return arg.type === 'MemberExpression' && !arg.computed && arg.object.type === 'Identifier';
}

/**
 * Writes anywhere in the module (inside functions too) to a module-level binding, to a property of
 * one (or of exports, module, globalThis), to `this` where it is the module or a class itself.
 */
function writes(program: Program, bindings: Set<string>, add: Add): void {
  const rooted = (target: Node, ancestors: Node[]): string | undefined => {
    let node: Node = target;
    while (node.type === 'MemberExpression' || node.type === 'ChainExpression') {
      if (node.type === 'MemberExpression') {
        // x.constructor.n = ..., x.prototype.f = ...: a class or a prototype, whoever x is.
        const m = node as unknown as { object: Node; property: Node; computed: boolean };
        if (!m.computed && PROTOTYPE_KEYS.has(keyName(m.property))) return 'class or prototype';
        node = m.object;
      } else {
        node = (node as unknown as { expression: Node }).expression;
      }
    }
    if (
      node.type === 'CallExpression' &&
      ['Object.getPrototypeOf', 'Reflect.getPrototypeOf'].some((f) =>
        isMember((node as unknown as { callee: Node }).callee, f.split('.')[0], f.split('.')[1]),
      )
    ) {
      return 'class or prototype';
    }
    if (node.type === 'Identifier') {
      const name = (node as unknown as { name: string }).name;
      return bindings.has(name) || SHARED_ROOTS.has(name) ? name : undefined;
    }
    if (node.type === 'ThisExpression') return sharedThis(ancestors);
    return undefined;
  };
  const topLevelExports = (ancestors: Node[]) =>
    ancestors.length === 3 && ancestors[1].type === 'ExpressionStatement';
  ancestor(program, {
    AssignmentExpression(node, _state, ancestors) {
      if (node.left.type === 'MemberExpression') {
        const root = rooted(node.left, ancestors);
        // exports.x = ... at the top level was judged by topLevel().
        if (
          root &&
          !(
            root === 'exports' &&
            isExportsMember(node.left) &&
            (topLevelExports(ancestors) ||
              ancestors
                .slice(1, -1)
                .every(
                  (a) => a.type === 'ExpressionStatement' || a.type === 'AssignmentExpression',
                ))
          )
        ) {
          add(
            node,
            `${summary(node.left)} = ...`,
            `writes to ${whose(root)}, state kept between runs`,
          );
        }
        return;
      }
      for (const name of patternNames(node.left as Pattern))
        if (bindings.has(name))
          add(node, `${name} = ...`, `assigns the module-level ${name}, state kept between runs`);
    },
    UpdateExpression(node, _state, ancestors) {
      const root =
        node.argument.type === 'Identifier'
          ? bindings.has(node.argument.name)
            ? node.argument.name
            : undefined
          : rooted(node.argument, ancestors);
      if (root) add(node, summary(node), `changes ${whose(root)}, state kept between runs`);
    },
    UnaryExpression(node, _state, ancestors) {
      if (node.operator !== 'delete') return;
      const root = rooted(node.argument, ancestors);
      if (root) add(node, summary(node), `changes ${whose(root)}, state kept between runs`);
    },
    CallExpression(node, _state, ancestors) {
      const callee =
        node.callee.type === 'MemberExpression' && !node.callee.computed
          ? `${summary(node.callee.object)}.${keyName(node.callee.property)}`
          : '';
      if (
        !MUTATORS.has(callee) ||
        node.arguments.length === 0 ||
        node.arguments[0].type === 'SpreadElement'
      )
        return;
      // The top-level boilerplate Object.defineProperty(exports, ...) was judged by topLevel().
      if (ancestors.length === 3 && ancestors[1].type === 'ExpressionStatement') return;
      const root = rooted(node.arguments[0], ancestors);
      if (root)
        add(node, `${callee}(${root}, ...)`, `changes ${whose(root)}, state kept between runs`);
    },
  });
}

/** What a write reaches, for the report. */
function whose(root: string): string {
  if (root === 'this') return 'the module or a class itself';
  if (root === 'class or prototype') return 'a class or a prototype';
  return `the module-level ${root}`;
}

/** 'this' when `this` at that point is the module's exports or a class (top level, static members). */
function sharedThis(ancestors: Node[]): string | undefined {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const a = ancestors[i];
    if (a.type === 'StaticBlock') return 'this';
    if (a.type === 'PropertyDefinition')
      return (a as unknown as { static: boolean }).static ? 'this' : undefined;
    if (a.type === 'FunctionExpression' || a.type === 'FunctionDeclaration') {
      const parent = ancestors[i - 1];
      return parent?.type === 'MethodDefinition' &&
        (parent as unknown as { static: boolean }).static
        ? 'this'
        : undefined;
    }
  }
  return 'this';
}

function isExportsMember(e: Node): boolean {
  return (
    e.type === 'MemberExpression' && isIdent((e as unknown as { object: Node }).object, 'exports')
  );
}

function isMember(e: Node, object: string, property: string): boolean {
  if (e.type !== 'MemberExpression') return false;
  const m = e as unknown as { object: Node; property: Node; computed: boolean };
  return (
    !m.computed &&
    (object === 'this' ? m.object.type === 'ThisExpression' : isIdent(m.object, object)) &&
    keyName(m.property) === property
  );
}

function isIdent(e: Node, name: string): boolean {
  return e.type === 'Identifier' && (e as unknown as { name: string }).name === name;
}

function keyName(key: Node): string {
  if (key.type === 'Identifier') return (key as unknown as { name: string }).name;
  if (key.type === 'PrivateIdentifier') return `#${(key as unknown as { name: string }).name}`;
  if (key.type === 'Literal') return String((key as unknown as { value: unknown }).value);
  return '[...]';
}

function patternNames(p: Pattern | AnyNode): string[] {
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'ObjectPattern':
      return p.properties.flatMap((x) =>
        patternNames(x.type === 'RestElement' ? x.argument : x.value),
      );
    case 'ArrayPattern':
      return p.elements.flatMap((x) => (x ? patternNames(x) : []));
    case 'RestElement':
      return patternNames(p.argument);
    case 'AssignmentPattern':
      return patternNames(p.left);
    default:
      return [];
  }
}

/** A short text for an expression: `cache.x`, `new Map()`. */
function summary(e: Node): string {
  switch (e.type) {
    case 'Identifier':
      return (e as unknown as { name: string }).name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression': {
      const m = e as unknown as { object: Node; property: Node; computed: boolean };
      return `${summary(m.object)}${m.computed ? '[...]' : `.${keyName(m.property)}`}`;
    }
    case 'CallExpression':
      return `${summary((e as unknown as { callee: Node }).callee)}(...)`;
    case 'SequenceExpression': {
      // tsc calls an imported function as (0, m.f)(...).
      const list = (e as unknown as { expressions: Node[] }).expressions;
      return summary(list[list.length - 1]);
    }
    case 'UpdateExpression': {
      const u = e as unknown as { argument: Node; operator: string; prefix: boolean };
      return u.prefix
        ? `${u.operator}${summary(u.argument)}`
        : `${summary(u.argument)}${u.operator}`;
    }
    case 'UnaryExpression':
      return `${(e as unknown as { operator: string }).operator} ${summary((e as unknown as { argument: Node }).argument)}`;
    case 'AssignmentExpression':
      return `${summary((e as unknown as { left: Node }).left)} = ...`;
    default:
      return e.type;
  }
}

function describe(e: Expression): string {
  switch (e.type) {
    case 'NewExpression':
      return `a new ${summary(e.callee)}`;
    case 'ObjectExpression':
      return 'an object (freeze it with Object.freeze if it never changes)';
    case 'ArrayExpression':
      return 'an array (freeze it with Object.freeze if it never changes)';
    case 'Literal':
      return 'a regular expression with the g or y flag (its lastIndex changes)';
    case 'CallExpression':
      if (isMember(e.callee, 'Object', 'freeze'))
        return 'a frozen value with something mutable inside (Object.freeze is shallow: freeze every level, of literals only)';
      return `what ${summary(e)} returned when the module loaded (declare a function instead)`;
    default:
      return `the value of ${summary(e)}`;
  }
}
