/**
 * What the taint tracking knows about names, per dialect: where untrusted input comes from
 * (request fields, command-line arguments, `input()`), which calls clean a value (numbers,
 * quoting), which calls pass their receiver's or arguments' taint on (string methods), and
 * which nodes open a function scope or bind a name.
 */
import type { LanguageFamily } from "./languages.ts";

/** Member chains read from an HTTP request or the command line (matched on the expression's text). */
export const SOURCE_TEXT: Record<LanguageFamily, RegExp> = {
  js: /^(?:(?:req|request)\.(?:query|params|body|headers|cookies|signedCookies|files|url|originalUrl|path)|ctx\.(?:query|params|headers|cookies|request\.(?:body|query|headers|files))|process\.argv)\b/,
  python:
    /^(?:(?:self\.)?request\.(?:args|form|values|json|data|files|cookies|headers|get_json|GET|POST|COOKIES|META|body|query_params|path|query_string)|sys\.argv)\b/,
};

/** Calls whose result is request input: `req.get("x")`, Python `input()`. */
export const SOURCE_CALL: Record<LanguageFamily, RegExp> = {
  js: /^(?:req|request)\.(?:get|header|param)$/,
  python: /^(?:input|raw_input)$/,
};

/** Calls whose result carries no injectable text (numbers, quoting, escaping). */
export const SANITIZERS: Record<LanguageFamily, RegExp> = {
  js: /^(?:parseInt|parseFloat|Number|Boolean|Math\.\w+|encodeURIComponent|encodeURI|escape|\w+\.escape|\w+\.escapeId|\w+\.quote|shellEscape|shellQuote|JSON\.stringify|\w+\.length)$/,
  python:
    /^(?:int|float|bool|len|abs|round|shlex\.quote|pipes\.quote|quote|escape|\w+\.escape|html\.escape|re\.escape)$/,
};

/** Methods that return their receiver's text changed (its taint stays, the arguments' joins it). */
export const PASS_THROUGH: Record<LanguageFamily, RegExp> = {
  js: /^(?:toString|trim|trimStart|trimEnd|toLowerCase|toUpperCase|slice|substring|substr|replace|replaceAll|concat|join|padStart|padEnd|repeat|normalize|at|split|map|filter)$/,
  python:
    /^(?:format|strip|lstrip|rstrip|lower|upper|replace|join|split|encode|decode|get|getlist|title|capitalize|casefold|removeprefix|removesuffix)$/,
};

/** Calls that return their arguments' text (`String(x)`, `str(x)`, `path.join(a, b)`). */
export const WRAPPERS: Record<LanguageFamily, RegExp> = {
  js: /^(?:String|decodeURIComponent|decodeURI|Array\.from|Object\.values|(?:path\.)?(?:join|resolve|normalize|relative|basename|dirname))$/,
  python: /^(?:str|repr|bytes|list|tuple|dict|os\.path\.(?:join|abspath|normpath|basename|dirname)|os\.fspath)$/,
};

/** Nodes that open a function scope. */
export const FUNCTION_TYPES: Record<LanguageFamily, ReadonlySet<string>> = {
  js: new Set([
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
  ]),
  python: new Set(["function_definition", "lambda"]),
};

/** Nodes that bind names: node type → [target field, value field]. */
export const BINDING_FIELDS: Record<LanguageFamily, Readonly<Record<string, readonly [string, string]>>> = {
  js: {
    variable_declarator: ["name", "value"],
    assignment_expression: ["left", "right"],
    augmented_assignment_expression: ["left", "right"],
    for_in_statement: ["left", "right"],
  },
  python: {
    assignment: ["left", "right"],
    augmented_assignment: ["left", "right"],
    for_statement: ["left", "right"],
    named_expression: ["name", "value"],
  },
};

/** Leaf node types that name a bound variable inside a target pattern. */
export const NAME_TYPES: ReadonlySet<string> = new Set(["identifier", "shorthand_property_identifier_pattern"]);

/** Literal node types that carry no run-time value. */
export const CONSTANT_TYPES: ReadonlySet<string> = new Set([
  "number",
  "integer",
  "float",
  "true",
  "false",
  "null",
  "undefined",
  "none",
  "regex",
  "ellipsis",
]);
