/**
 * Intra-function taint tracking for the sink rules: how trusted the value of an expression
 * is. A value is `constant` when it is built from literals only, `source` when request input
 * or command-line arguments flow into it, and `unknown` otherwise (parameters, other calls).
 * Names are followed through assignments, declarations (destructuring included), `+=`, loop
 * variables and walrus bindings of the enclosing function before the use, then of the outer
 * scopes; taint passes through concatenation, template strings, f-strings, `%`, `.format`
 * and string methods, and is cleared by number conversions and quoting functions.
 */
import type { Node } from "web-tree-sitter";
import type { LanguageFamily } from "./languages.ts";
import {
  BINDING_FIELDS,
  CONSTANT_TYPES,
  FUNCTION_TYPES,
  NAME_TYPES,
  PASS_THROUGH,
  SANITIZERS,
  SOURCE_CALL,
  SOURCE_TEXT,
  WRAPPERS,
} from "./taint-patterns.ts";

/** 0: built from literals; 1: of unknown origin; 2: from request input or the command line. */
export type TaintLevel = 0 | 1 | 2;

/** The taint of an expression. */
export interface Taint {
  level: TaintLevel;
  /** The literal text that flows into the value (for keyword checks such as SQL verbs). */
  literal: string;
  /** The source expression, when the level is 2 (`req.query.id`). */
  origin?: string;
}

interface Binding {
  value: Node;
  start: number;
}

const UNKNOWN: Taint = { level: 1, literal: "" };
const JOINING_OPERATORS = new Set(["+", "%", "||", "??", "&&", "or", "and"]);
const WRAPPED = new Set([
  "parenthesized_expression",
  "await_expression",
  "as_expression",
  "non_null_expression",
  "satisfies_expression",
  "type_assertion",
]);
const PASSING_CONTAINERS = new Set(["array", "list", "tuple", "expression_list", "set"]);

function constant(literal = ""): Taint {
  return { level: 0, literal };
}

/** The strongest taint of the parts; literals are concatenated. */
function join(parts: readonly Taint[]): Taint {
  let level: TaintLevel = 0;
  let origin: string | undefined;
  for (const part of parts) {
    if (part.level > level) level = part.level;
    if (part.level === 2 && origin === undefined) origin = part.origin;
  }
  const literal = parts.map((part) => part.literal).join("");
  return origin === undefined ? { level, literal } : { level, literal, origin };
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== "comment");
}

/** Names bound by an assignment target or parameter list (default values left out). */
function boundNames(target: Node): string[] {
  if (NAME_TYPES.has(target.type)) return [target.text];
  if (/member_expression|subscript|attribute/.test(target.type)) return [];
  const only =
    target.type === "pair_pattern"
      ? target.childForFieldName("value")
      : target.type === "assignment_pattern" || target.type === "object_assignment_pattern"
        ? target.childForFieldName("left")
        : /default_parameter$/.test(target.type)
          ? target.childForFieldName("name")
          : target.type === "required_parameter" || target.type === "optional_parameter"
            ? target.childForFieldName("pattern")
            : undefined;
  if (only !== undefined) return only === null ? [] : boundNames(only);
  if (/type|annotation/.test(target.type)) return [];
  return named(target).flatMap(boundNames);
}

/** Follows values through the functions of one parsed file (results are cached per tracker). */
export class TaintTracker {
  readonly #family: LanguageFamily;
  readonly #scopes = new Map<number, Map<string, Binding[]>>();
  readonly #resolving = new Set<string>();

  constructor(family: LanguageFamily) {
    this.#family = family;
  }

  /** The taint of an expression. */
  of(expr: Node): Taint {
    const type = expr.type;
    if (WRAPPED.has(type)) return this.#all(named(expr).slice(0, 1));
    if (CONSTANT_TYPES.has(type)) return constant();
    if (type === "identifier") return this.#resolve(expr.text, expr);
    if (type === "string" || type === "template_string" || type === "concatenated_string") return this.#string(expr);
    if (type === "binary_expression" || type === "binary_operator" || type === "boolean_operator") {
      const operator = expr.childForFieldName("operator")?.type ?? "";
      return JOINING_OPERATORS.has(operator) ? this.#fields(expr, ["left", "right"]) : constant();
    }
    if (type === "ternary_expression") return this.#fields(expr, ["consequence", "alternative"]);
    if (type === "conditional_expression") return this.#all([named(expr)[0], named(expr)[2]]);
    if (type === "call_expression" || type === "call") return this.#call(expr);
    if (/^(member_expression|subscript_expression|attribute|subscript)$/.test(type)) return this.#member(expr);
    if (PASSING_CONTAINERS.has(type)) return this.#all(named(expr));
    return UNKNOWN;
  }

  #all(nodes: readonly (Node | null | undefined)[]): Taint {
    return join(nodes.filter((node): node is Node => node != null).map((node) => this.of(node)));
  }

  #fields(expr: Node, fields: readonly string[]): Taint {
    return this.#all(fields.map((field) => expr.childForFieldName(field)));
  }

  #string(expr: Node): Taint {
    if (expr.type === "concatenated_string") return this.#all(named(expr));
    const parts = named(expr).flatMap((child) =>
      child.type === "template_substitution"
        ? named(child)
        : child.type === "interpolation"
          ? [child.childForFieldName("expression")]
          : [],
    );
    return join([constant(expr.text), this.#all(parts)]);
  }

  #member(expr: Node): Taint {
    if (SOURCE_TEXT[this.#family].test(expr.text)) return { level: 2, literal: "", origin: expr.text.slice(0, 80) };
    const object = expr.childForFieldName("object") ?? expr.childForFieldName("value");
    return object === null ? UNKNOWN : this.of(object);
  }

  #call(call: Node): Taint {
    const fn = call.childForFieldName("function");
    if (fn === null) return UNKNOWN;
    const args = named(call.childForFieldName("arguments") ?? call).map((arg) =>
      arg.type === "keyword_argument" ? (arg.childForFieldName("value") ?? arg) : arg,
    );
    const family = this.#family;
    if (SOURCE_CALL[family].test(fn.text) || SOURCE_TEXT[family].test(fn.text)) {
      return { level: 2, literal: "", origin: call.text.slice(0, 80) };
    }
    if (SANITIZERS[family].test(fn.text)) return constant();
    if (WRAPPERS[family].test(fn.text)) return this.#all(args);
    const method = fn.childForFieldName("property") ?? fn.childForFieldName("attribute");
    const receiver = fn.childForFieldName("object");
    if (method !== null && receiver !== null && PASS_THROUGH[family].test(method.text)) {
      return this.#all([receiver, ...args]);
    }
    return UNKNOWN;
  }

  #resolve(name: string, at: Node): Taint {
    if (this.#family === "js" && name === "undefined") return constant();
    for (let scope: Node | null = this.#scopeOf(at); scope !== null; scope = this.#outer(scope)) {
      const isFunction = FUNCTION_TYPES[this.#family].has(scope.type);
      const bindings = (this.#bindings(scope).get(name) ?? []).filter(
        (binding) => !isFunction || binding.start < at.startIndex,
      );
      if (bindings.length > 0) return this.#valueOf(scope, name, bindings);
      if (isFunction && this.#isParameter(scope, name)) return UNKNOWN;
    }
    return UNKNOWN;
  }

  #valueOf(scope: Node, name: string, bindings: readonly Binding[]): Taint {
    const key = `${scope.id}:${name}`;
    if (this.#resolving.has(key)) return constant();
    this.#resolving.add(key);
    try {
      return join(bindings.map((binding) => this.of(binding.value)));
    } finally {
      this.#resolving.delete(key);
    }
  }

  #scopeOf(node: Node): Node {
    let current = node;
    for (let parent = node.parent; parent !== null; parent = parent.parent) {
      if (FUNCTION_TYPES[this.#family].has(parent.type)) return parent;
      current = parent;
    }
    return current;
  }

  #outer(scope: Node): Node | null {
    return scope.parent === null ? null : this.#scopeOf(scope);
  }

  #isParameter(scope: Node, name: string): boolean {
    const params = scope.childForFieldName("parameters") ?? scope.childForFieldName("parameter");
    return params !== null && boundNames(params).includes(name);
  }

  /** Bindings made directly in a scope (not in the functions nested in it), by name. */
  #bindings(scope: Node): Map<string, Binding[]> {
    const cached = this.#scopes.get(scope.id);
    if (cached !== undefined) return cached;
    const found = new Map<string, Binding[]>();
    const fields = BINDING_FIELDS[this.#family];
    const stack = named(scope);
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (FUNCTION_TYPES[this.#family].has(node.type)) continue;
      stack.push(...named(node));
      const pair = fields[node.type];
      const target = pair === undefined ? null : node.childForFieldName(pair[0]);
      const value = pair === undefined ? null : node.childForFieldName(pair[1]);
      if (target === null || value === null) continue;
      for (const name of boundNames(target)) {
        found.set(name, [...(found.get(name) ?? []), { value, start: node.startIndex }]);
      }
    }
    this.#scopes.set(scope.id, found);
    return found;
  }
}
