/**
 * Static analysis with tree-sitter: what other modules may import. See docs/analysis.md.
 */
export { createAnalysisPool } from "./pool.ts";
export type { AnalysisPool } from "./pool.ts";
export { analyzeFilesInThread } from "./in-thread.ts";
export type { AnalysisPoolOptions, AnalyzeOptions } from "./options.ts";
export { RULES, RULE_IDS } from "./rules.ts";
export type { PatternRule } from "./rules.ts";
export { SUPPORTED_EXTENSIONS, languageForPath } from "./languages.ts";
export { PROBE_SETS } from "./migration-probes.ts";
export type {
  DeprecatedUse,
  ProbeSet,
  FileAnalysis,
  FunctionMetrics,
  LanguageId,
  RuleMatch,
  Severity,
  SymbolInfo,
  SymbolKind,
  SyntaxErrorAt,
} from "./types.ts";
