/**
 * Symbols, imports, logical lines and per-function metrics from a syntax tree. Node types are
 * classified once per grammar into a flag table indexed by type id; only nodes of those types
 * are fetched from the parser, so most of the tree never becomes a JS object.
 */
import type { Language, Node, Tree } from "web-tree-sitter";
import type { LanguageFamily } from "./languages.ts";
import {
  blankNode,
  codeLineNumbers,
  countBetween,
  docstringOf,
  isCalledOrPassed,
  nonBlankLines,
  prefixSums,
  WRAPPER_SHARE,
} from "./logical-lines.ts";
import type { CodeFlags } from "./logical-lines.ts";
import type { FunctionMetrics, SymbolInfo, SyntaxErrorAt } from "./types.ts";

const FUNCTION = 1;
const CLASS = 2;
const DECISION = 4;
const IMPORT = 8;
const CALL = 16;
const COMMENT = 32;

/** Named node types (and anonymous operator tokens) that matter, per dialect. */
interface Dialect {
  named: Readonly<Record<string, number>>;
  tokens: Readonly<Record<string, number>>;
}

const DIALECTS: Readonly<Record<LanguageFamily, Dialect>> = {
  js: {
    named: {
      function_declaration: FUNCTION,
      generator_function_declaration: FUNCTION,
      function_expression: FUNCTION,
      generator_function: FUNCTION,
      arrow_function: FUNCTION,
      method_definition: FUNCTION,
      class_declaration: CLASS,
      abstract_class_declaration: CLASS,
      class: CLASS,
      if_statement: DECISION,
      for_statement: DECISION,
      for_in_statement: DECISION,
      while_statement: DECISION,
      do_statement: DECISION,
      switch_case: DECISION,
      catch_clause: DECISION,
      ternary_expression: DECISION,
      import_statement: IMPORT,
      export_statement: IMPORT,
      call_expression: CALL,
      comment: COMMENT,
    },
    tokens: { "&&": DECISION, "||": DECISION, "??": DECISION },
  },
  python: {
    named: {
      function_definition: FUNCTION,
      lambda: FUNCTION,
      class_definition: CLASS,
      if_statement: DECISION,
      elif_clause: DECISION,
      for_statement: DECISION,
      while_statement: DECISION,
      except_clause: DECISION,
      except_group_clause: DECISION,
      conditional_expression: DECISION,
      for_in_clause: DECISION,
      if_clause: DECISION,
      case_clause: DECISION,
      import_statement: IMPORT,
      import_from_statement: IMPORT,
      comment: COMMENT,
    },
    tokens: { and: DECISION, or: DECISION },
  },
};

/** Per grammar: flags by node type id, and the type names to ask `descendantsOfType` for. */
interface Classified {
  flags: Uint8Array;
  types: string[];
  typesWithoutCalls: string[];
}

const classified = new WeakMap<Language, Classified>();

function classify(language: Language, family: LanguageFamily): Classified {
  let known = classified.get(language);
  if (known !== undefined) return known;
  const dialect = DIALECTS[family];
  const flags = new Uint8Array(language.nodeTypeCount);
  const types = new Set<string>();
  for (let id = 0; id < flags.length; id++) {
    const type = language.nodeTypeForId(id);
    const table = language.nodeTypeIsNamed(id) ? dialect.named : dialect.tokens;
    if (type === null || !Object.hasOwn(table, type)) continue;
    flags[id] = table[type];
    types.add(type);
  }
  const callTypes = Object.keys(dialect.named).filter((type) => dialect.named[type] === CALL);
  known = { flags, types: [...types], typesWithoutCalls: [...types].filter((type) => !callTypes.includes(type)) };
  classified.set(language, known);
  return known;
}

/** What {@link extract} finds in one tree. */
export interface Extracted {
  /** Named functions, classes and methods. */
  symbols: SymbolInfo[];
  /** Deduplicated module specifiers. */
  imports: string[];
  /** Metrics of every function, in source order. */
  functions: FunctionMetrics[];
  /** 1-based numbers of the lines that carry code (not blank, comment or docstring). */
  codeLines: number[];
}

interface Frame {
  end: number;
  metrics: FunctionMetrics;
  /** Index in {@link WalkState.spans}. */
  index: number;
}

/** Where a function is, to count its own logical lines once the whole file is known. */
interface Span {
  metrics: FunctionMetrics;
  endLine: number;
  /** Index in the spans of the innermost enclosing function, or -1. */
  parent: number;
  calledOrPassed: boolean;
}

interface WalkState extends Omit<Extracted, "codeLines"> {
  family: LanguageFamily;
  frames: Frame[];
  seen: Set<string>;
  lines: string[];
  code: CodeFlags;
  spans: Span[];
}

const LOADER_CALL = /\b(require|import)\s*\(/;

/**
 * Returns the symbols, imports, logical lines and function metrics of `tree`. One native
 * `descendantsOfType` pass returns the relevant nodes in document order; a stack of
 * enclosing functions (by end offset) attributes each decision to its innermost function.
 */
export function extract(tree: Tree, source: string, family: LanguageFamily): Extracted {
  const { flags, types, typesWithoutCalls } = classify(tree.language, family);
  const lines = source.split("\n");
  const code = nonBlankLines(lines);
  const state: WalkState = {
    family,
    frames: [],
    seen: new Set(),
    symbols: [],
    imports: [],
    functions: [],
    lines,
    code,
    spans: [],
  };
  if (family === "python") blankDocstring(tree.rootNode, state);
  const wanted = family === "js" && LOADER_CALL.test(source) ? types : typesWithoutCalls;
  for (const node of tree.rootNode.descendantsOfType(wanted)) {
    const kind = node === null ? 0 : flags[node.typeId];
    if (node !== null && kind !== 0) visit(node, kind, state);
  }
  countLogicalLines(state);
  const { symbols, imports, functions } = state;
  return { symbols, imports, functions, codeLines: codeLineNumbers(state.code) };
}

function visit(node: Node, kind: number, state: WalkState): void {
  const frames = state.frames;
  while (frames.length > 0 && frames[frames.length - 1].end <= node.startIndex) frames.pop();
  if (kind & DECISION) countDecision(node, frames[frames.length - 1]);
  if (kind & FUNCTION) enterFunction(node, state);
  else if (kind & CLASS) addClass(node, state);
  else if (kind & IMPORT) addImports(node, state);
  else if (kind & CALL) addLoaderCall(node, state);
  else if (kind & COMMENT) blankNode(state.code, state.lines, node);
}

function countDecision(node: Node, innermost: Frame | undefined): void {
  if (innermost !== undefined && isBranch(node)) innermost.metrics.complexity++;
}

/** A `case` label without statements shares the next one's branch (`case "y": case "year": …`). */
function isBranch(node: Node): boolean {
  return node.type !== "switch_case" || node.childrenForFieldName("body").length > 0;
}

function blankDocstring(node: Node, state: WalkState): void {
  const body = node.type === "module" ? node : node.childForFieldName("body");
  const docstring = docstringOf(body);
  if (docstring !== null) blankNode(state.code, state.lines, docstring);
}

/**
 * Sets each function's own logical lines (its span minus its nested functions' from their
 * second line) and flags the module wrapper.
 */
function countLogicalLines(state: WalkState): void {
  const prefix = prefixSums(state.code);
  const fileLines = countBetween(prefix, 1, state.code.length);
  const nested = new Array<number>(state.spans.length).fill(0);
  state.spans.forEach((span) => {
    if (span.parent >= 0) nested[span.parent] += countBetween(prefix, span.metrics.startLine + 1, span.endLine);
  });
  state.spans.forEach((span, index) => {
    const total = countBetween(prefix, span.metrics.startLine, span.endLine);
    span.metrics.logicalLines = total - nested[index];
    if (span.calledOrPassed && total >= WRAPPER_SHARE * fileLines) span.metrics.moduleWrapper = true;
  });
}

function lineSpan(node: Node): { startLine: number; endLine: number } {
  return { startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1 };
}

function enterFunction(node: Node, state: WalkState): void {
  const { startLine, endLine } = lineSpan(node);
  const named = state.family === "js" ? jsFunctionName(node) : pyFunctionName(node);
  const name = named?.name ?? "<anonymous>";
  const lines = endLine - startLine + 1;
  const metrics: FunctionMetrics = { name, startLine, complexity: 1, lines, logicalLines: 0 };
  const parent = state.frames[state.frames.length - 1]?.index ?? -1;
  state.frames.push({ end: node.endIndex, metrics, index: state.spans.length });
  state.spans.push({ metrics, endLine, parent, calledOrPassed: state.family === "js" && isCalledOrPassed(node) });
  state.functions.push(metrics);
  if (named !== null) state.symbols.push({ name, kind: named.method ? "method" : "function", startLine, endLine });
  if (node.type === "function_definition") blankDocstring(node, state);
}

function addClass(node: Node, state: WalkState): void {
  if (node.type === "class_definition") blankDocstring(node, state);
  const name = node.childForFieldName("name")?.text;
  if (name !== undefined) state.symbols.push({ name, kind: "class", ...lineSpan(node) });
}

interface FunctionName {
  name: string;
  method: boolean;
}

function jsFunctionName(node: Node): FunctionName | null {
  const own = node.childForFieldName("name")?.text;
  if (node.type === "method_definition") return own === undefined ? null : { name: own, method: true };
  if (own !== undefined) return { name: own, method: false };
  const parent = node.parent;
  if (parent === null) return null;
  switch (parent.type) {
    case "variable_declarator":
      return nameOf(parent.childForFieldName("name"), false);
    case "pair":
      return nameOf(parent.childForFieldName("key"), false);
    case "assignment_expression":
      return nameOf(lastProperty(parent.childForFieldName("left")), false);
    case "public_field_definition":
      return nameOf(parent.childForFieldName("name"), true);
    case "field_definition":
      return nameOf(parent.childForFieldName("property"), true);
    default:
      return null;
  }
}

function lastProperty(node: Node | null): Node | null {
  return node?.type === "member_expression" ? node.childForFieldName("property") : node;
}

function nameOf(node: Node | null, method: boolean): FunctionName | null {
  if (node === null || (node.type !== "identifier" && !node.type.endsWith("property_identifier"))) return null;
  return { name: node.text, method };
}

function pyFunctionName(node: Node): FunctionName | null {
  const name = node.childForFieldName("name")?.text;
  if (node.type !== "function_definition" || name === undefined) return null;
  let holder = node.parent;
  if (holder?.type === "decorated_definition") holder = holder.parent;
  return { name, method: holder?.type === "block" && holder.parent?.type === "class_definition" };
}

function addImport(specifier: string | undefined, state: WalkState): void {
  if (specifier === undefined || specifier === "" || state.seen.has(specifier)) return;
  state.seen.add(specifier);
  state.imports.push(specifier);
}

function unquote(node: Node | null | undefined): string | undefined {
  return node?.type === "string" ? node.text.slice(1, -1) : undefined;
}

function addImports(node: Node, state: WalkState): void {
  if (node.type === "import_from_statement") {
    addImport(node.childForFieldName("module_name")?.text, state);
  } else if (state.family === "python") {
    for (const name of node.childrenForFieldName("name")) {
      addImport((name.type === "aliased_import" ? name.childForFieldName("name") : name)?.text, state);
    }
  } else {
    const clause = node.namedChildren.find((child) => child?.type === "import_require_clause");
    addImport(unquote((clause ?? node).childForFieldName("source")), state);
  }
}

/** `require("x")` and `import("x")` with a literal specifier. */
function addLoaderCall(node: Node, state: WalkState): void {
  const callee = node.childForFieldName("function");
  if (callee?.type !== "import" && (callee?.type !== "identifier" || callee.text !== "require")) return;
  addImport(unquote(node.childForFieldName("arguments")?.namedChild(0)), state);
}

/** Where the parser recovered from errors, at most `limit` places, in source order. */
export function syntaxErrors(root: Node, limit = 20): SyntaxErrorAt[] {
  const found: SyntaxErrorAt[] = [];
  const visitNode = (node: Node): void => {
    for (const child of node.children) {
      if (child === null || found.length >= limit) return;
      if (child.isError || child.isMissing) {
        found.push({ line: child.startPosition.row + 1, column: child.startPosition.column + 1 });
      } else if (child.hasError) {
        visitNode(child);
      }
    }
  };
  if (root.hasError) visitNode(root);
  return found;
}
