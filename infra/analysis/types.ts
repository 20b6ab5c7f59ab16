/**
 * The compact results of static analysis: what a worker sends back for each file.
 * Plain data only (structured-clone friendly); no syntax trees and no source text.
 */
import type { ErrorInfo } from "../../protocol/errors.ts";

/** A grammar patchbay can parse. */
export type LanguageId = "javascript" | "typescript" | "tsx" | "python";

/** How bad a rule match is, most severe first. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** The kind of a declared symbol. */
export type SymbolKind = "function" | "class" | "method";

/** A named function, class or method declared in a file. Lines are 1-based and inclusive. */
export interface SymbolInfo {
  /** Declared name; for `const f = () => …` the variable's name. */
  name: string;
  /** What was declared. */
  kind: SymbolKind;
  /** First line of the declaration. */
  startLine: number;
  /** Last line of the declaration. */
  endLine: number;
}

/** Size and branching of one function body (nested functions are measured on their own). */
export interface FunctionMetrics {
  /** Name as in {@link SymbolInfo.name}, or `<anonymous>` for callbacks and lambdas. */
  name: string;
  /** First line of the function. */
  startLine: number;
  /** McCabe cyclomatic complexity: 1 + branches, loops, catches, `&&`/`||`/`??`, `and`/`or`. */
  complexity: number;
  /** Length in lines, first to last line inclusive. */
  lines: number;
  /**
   * Own logical lines: lines with code (no blank, comment or docstring lines), leaving out
   * nested functions from their second line on.
   */
  logicalLines: number;
  /**
   * Set (true) on a function called in place or passed to a call that holds nearly the whole
   * file (an IIFE, a UMD factory, `define(function () {…})`): module scope, not a function.
   */
  moduleWrapper?: boolean;
}

/** One place where a pattern rule fired. */
export interface RuleMatch {
  /** The rule's stable id, e.g. `sql-injection`. */
  rule: string;
  /** The rule's severity. */
  severity: Severity;
  /** The rule's message. */
  message: string;
  /** Path of the file, relative to the analysis root. */
  file: string;
  /** 1-based line of the offending node. */
  line: number;
  /** How the value reached a sink: `req.query.id reaches db.query()`, `only literals or cleaned values reach exec()`. */
  flow?: string;
}

/** A set of migration probes: `react` (React 16 APIs), `python2` (Python 2 constructs). */
export type ProbeSet = "react" | "python2";

/** A use of an API a migration must handle (migration probes). */
export interface DeprecatedUse {
  /** Path relative to the analysis root. */
  file: string;
  /** 1-based line. */
  line: number;
  /** The API, e.g. `componentWillMount`, `print statement`. */
  api: string;
  /** Why it must change. */
  message: string;
}

/** Where the parser had to recover from a syntax error (1-based). */
export interface SyntaxErrorAt {
  /** Line of the error or missing node. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** Everything learned about one file. */
export interface FileAnalysis {
  /** The path as given, relative to the analysis root. */
  path: string;
  /** The grammar used, or null when the extension is not supported. */
  language: LanguageId | null;
  /** Declared functions, classes and methods, in source order. */
  symbols: SymbolInfo[];
  /** Module specifiers imported or required, deduplicated, in source order. */
  imports: string[];
  /** One entry per function, method, arrow function or lambda. */
  functions: FunctionMetrics[];
  /** 1-based numbers of the logical lines (lines with code: no blank, comment or docstring lines). */
  codeLines: number[];
  /** Pattern-rule matches, in source order. */
  matches: RuleMatch[];
  /** Syntax errors the parser recovered from (first 20); results may then be partial. */
  syntaxErrors: SyntaxErrorAt[];
  /** Uses found by the migration probes asked for (empty when none were). */
  deprecated: DeprecatedUse[];
  /** Set when the file could not be analysed at all (unsupported, unreadable, too large, crash). */
  error?: ErrorInfo;
}

/** A job for one worker: a batch of files under one root. */
export interface AnalyzeRequest {
  /** Absolute directory the paths are relative to. */
  root: string;
  /** Paths relative to `root`, already checked not to escape it. */
  paths: string[];
  /** Ids of the rules to run; null runs all rules. */
  rules: string[] | null;
  /** The migration probes to run, if any. */
  probes?: ProbeSet;
  /** Files larger than this are reported, not parsed. */
  maxFileBytes: number;
}

/** A worker's answer to an {@link AnalyzeRequest}: one entry per path, in order. */
export interface AnalyzeResponse {
  /** Results in the order of {@link AnalyzeRequest.paths}. */
  files: FileAnalysis[];
}
