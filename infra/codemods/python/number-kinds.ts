/**
 * A small, conservative inference of which Python 2 expressions are ints and which floats,
 * for `py-division`. Each scope (module, function, lambda, class) gets a kind per name: the
 * least fixpoint over all of the name's bindings in that scope, starting from "not yet
 * known". A name is an `int` only when every binding gives an int: an int literal, `len()`,
 * `int()`, `ord()`, `//` or `%` of ints, a `/` of ints (floor division in Python 2), a
 * `range`/`xrange` loop variable, the index of `enumerate`, another int name… A parameter,
 * an import, a `global`, an unpacking or anything else the inference does not follow makes
 * the name `unknown`. A function reads the names it does not bind from its enclosing
 * functions and the module (classes are skipped, as Python does).
 */
import type { Node } from "web-tree-sitter";
import { namedChildrenOf, nodesOfType } from "./syntax.ts";
import { bindings, enclosingScope } from "./scopes.ts";
import type { Binding } from "./scopes.ts";

/** What the inference knows of a value: `pending` only while the fixpoint is computed. */
export type NumberKind = "int" | "float" | "unknown" | "pending";

/** The names of one scope and their kinds, with the scope names are read from otherwise. */
export interface ScopeKinds {
  scope: Node;
  kinds: Map<string, NumberKind>;
  outer: ScopeKinds | undefined;
}

const INT_CALLS = ["len", "int", "long", "ord", "hash", "id"];
const FLOAT_CALLS = ["float", "round"];
const INT_ONLY_OPERATORS = ["<<", ">>", "&", "|", "^"];
const ARITHMETIC = ["+", "-", "*", "%", "//", "/", "**"];

function join(a: NumberKind, b: NumberKind): NumberKind {
  if (a === "pending") return b;
  if (b === "pending" || a === b) return a;
  return "unknown";
}

/** Whether a scope in the chain binds `name` (so it is not the builtin of that name). */
function isBound(name: string, env: ScopeKinds | undefined): boolean {
  for (let s = env; s !== undefined; s = s.outer) if (s.kinds.has(name)) return true;
  return false;
}

/** The kind of `name` as read in `env` (the first scope out that binds it). */
function lookup(name: string, env: ScopeKinds | undefined): NumberKind {
  for (let s = env; s !== undefined; s = s.outer) {
    const kind = s.kinds.get(name);
    if (kind !== undefined) return kind;
  }
  return "unknown";
}

function binaryKind(left: NumberKind, operator: string, right: Node | null, rightKind: NumberKind): NumberKind {
  if (INT_ONLY_OPERATORS.includes(operator)) return left === "int" && rightKind === "int" ? "int" : "unknown";
  if (!ARITHMETIC.includes(operator)) return "unknown";
  if (left === "float" || rightKind === "float") return "float";
  if (left === "unknown" || rightKind === "unknown") return "unknown";
  if (operator === "**" && !/^\d+$/.test(right?.text ?? "")) return "unknown";
  return left === "pending" || rightKind === "pending" ? "pending" : "int";
}

function callKind(call: Node, env: ScopeKinds): NumberKind {
  const fn = call.childForFieldName("function");
  const args = namedChildrenOf(call.childForFieldName("arguments") ?? call);
  const name = fn?.type === "identifier" ? fn.text : undefined;
  if (name !== undefined && isBound(name, env)) return "unknown";
  if (name && INT_CALLS.includes(name)) return "int";
  if (name && FLOAT_CALLS.includes(name)) return "float";
  if ((name === "abs" || name === "max" || name === "min") && args.length > 0)
    return args.map((a) => kindOf(a, env)).reduce(join);
  if (fn?.type === "attribute" && fn.childForFieldName("object")?.text === "math") return "float";
  return "unknown";
}

/** The kind of an expression in a scope. */
export function kindOf(node: Node, env: ScopeKinds): NumberKind {
  switch (node.type) {
    case "integer":
      return "int";
    case "float":
      return "float";
    case "identifier":
      return lookup(node.text, env);
    case "parenthesized_expression":
      return kindOf(namedChildrenOf(node)[0] ?? node, env);
    case "unary_operator":
      return kindOf(node.childForFieldName("argument") ?? node, env);
    case "binary_operator":
    case "augmented_assignment": {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      const operator = (node.childForFieldName("operator")?.text ?? "").replace(/=$/, "");
      return binaryKind(left ? kindOf(left, env) : "unknown", operator, right, right ? kindOf(right, env) : "unknown");
    }
    case "conditional_expression": {
      const [a, , b] = namedChildrenOf(node);
      return a && b ? join(kindOf(a, env), kindOf(b, env)) : "unknown";
    }
    case "call":
      return callKind(node, env);
    default:
      return "unknown";
  }
}

/** Whether `node` calls the builtin `name` (not bound in the file's scopes). */
export function callsBuiltin(node: Node, name: string, env: ScopeKinds): boolean {
  const fn = node.type === "call" ? node.childForFieldName("function") : null;
  return fn?.type === "identifier" && fn.text === name && !isBound(name, env);
}

function bindingKind(binding: Binding, env: ScopeKinds): NumberKind {
  if (binding.kind === "opaque") return "unknown";
  if (binding.kind === "value") return kindOf(binding.value, env);
  const ranged = callsBuiltin(binding.iterable, "range", env) || callsBuiltin(binding.iterable, "xrange", env);
  if (ranged && binding.position === -1) return "int";
  return callsBuiltin(binding.iterable, "enumerate", env) && binding.position === 0 ? "int" : "unknown";
}

/** Solves one scope's kinds (least fixpoint from `pending`); names left pending become unknown. */
function solveScope(scope: Node, outer: ScopeKinds | undefined, globals: Set<string>): ScopeKinds {
  const bound = bindings(scope);
  const env: ScopeKinds = { scope, kinds: new Map([...bound.keys()].map((n) => [n, "pending"])), outer };
  for (let round = 0; round <= bound.size + 1; round++) {
    let changed = false;
    for (const [name, list] of bound) {
      const kind = globals.has(name) ? "unknown" : list.map((b) => bindingKind(b, env)).reduce(join, "pending");
      if (kind !== env.kinds.get(name)) changed = true;
      env.kinds.set(name, kind);
    }
    if (!changed) break;
  }
  for (const [name, kind] of env.kinds) if (kind === "pending") env.kinds.set(name, "unknown");
  return env;
}

/** The kinds of a file's scopes: a function from a scope to its solved kinds (solved on first use). */
export function inferKinds(root: Node): (scope: Node) => ScopeKinds {
  const globals = new Set(nodesOfType(root, "global_statement").flatMap((g) => namedChildrenOf(g).map((n) => n.text)));
  const solved = new Map<number, ScopeKinds>();
  const solve = (scope: Node): ScopeKinds => {
    const known = solved.get(scope.id);
    if (known) return known;
    let outerScope = scope.type === "module" ? undefined : enclosingScope(scope);
    while (outerScope?.type === "class_definition") outerScope = enclosingScope(outerScope);
    const env = solveScope(scope, outerScope ? solve(outerScope) : undefined, globals);
    solved.set(scope.id, env);
    return env;
  };
  return solve;
}
