/**
 * jscodeshift plumbing shared by the React codemods: which files they read, the parser for a
 * file, printing through recast (only the rewritten nodes are reprinted, with the file's own
 * quotes), lines and findings.
 */
import jscodeshift from "jscodeshift";
import type { ASTNode, Collection, JSCodeshift } from "jscodeshift";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";

const SCRIPT = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/;

/** Whether a repository path is a JavaScript or TypeScript source (not a `.d.ts`, not in node_modules). */
export function isScriptFile(file: string): boolean {
  return SCRIPT.test(file) && !file.endsWith(".d.ts") && !file.split("/").includes("node_modules");
}

/** A parsed source file. */
export interface ParsedFile {
  /** Repository-relative path. */
  file: string;
  /** jscodeshift bound to the file's parser. */
  j: JSCodeshift;
  /** The whole file. */
  root: Collection;
  /** The quote the file uses for module names, for the code the codemods add. */
  quote: "'" | '"';
}

/** The jscodeshift parser for a path: TypeScript for `.ts`/`.tsx`, Babel (with JSX) otherwise. */
function parserFor(file: string): JSCodeshift {
  if (file.endsWith(".tsx")) return jscodeshift.withParser("tsx");
  if (/\.[cm]?ts$/.test(file)) return jscodeshift.withParser("ts");
  return jscodeshift.withParser("babel");
}

/** The quote most of the file's imports and requires use (single when there are none). */
function quoteOf(source: string): "'" | '"' {
  const singles = source.match(/(?:from|require\()\s*'/g)?.length ?? 0;
  const doubles = source.match(/(?:from|require\()\s*"/g)?.length ?? 0;
  return doubles > singles ? '"' : "'";
}

/** Parses a file; throws on a syntax error. */
export function parseFile(source: string, file: string): ParsedFile {
  const j = parserFor(file);
  return { file, j, root: j(source), quote: quoteOf(source) };
}

/** The file's text after the rewrites: `source` itself when nothing changed. */
export function printFile(parsed: ParsedFile, source: string, changes: number): string {
  if (changes === 0) return source;
  return parsed.root.toSource({ quote: parsed.quote === "'" ? "single" : "double" });
}

/** A string literal in the file's quote style (module names and keys, never with quotes inside). */
export function quoted(parsed: ParsedFile, text: string): string {
  return `${parsed.quote}${text}${parsed.quote}`;
}

/** The 1-based line where a node starts (0 for a node the codemod created). */
export function lineOf(node: ASTNode): number {
  return (node as { loc?: { start: { line: number } } | null }).loc?.start.line ?? 0;
}

/** A finding about a node of the file. */
export function findingAt(parsed: ParsedFile, node: ASTNode, api: string, message: string): SourceFinding {
  return { file: parsed.file, line: lineOf(node), api, message };
}

/** The 1-based line of a parser's syntax error, or null when `error` is not one. */
function syntaxErrorLine(error: unknown): number | null {
  const parserError = error as { code?: string; loc?: { line?: number } } | null;
  if (!(error instanceof SyntaxError) && parserError?.code !== "BABEL_PARSER_SYNTAX_ERROR") return null;
  return parserError?.loc?.line ?? 1;
}

/**
 * Wraps a codemod's rewrite: leftovers in line order, and a file its parser rejects comes back
 * unchanged with one leftover (line of the syntax error) instead of failing the step; any
 * other error still throws.
 */
export function guardSyntax(migrate: (source: string, file: string) => CodemodOutcome): Codemod["apply"] {
  return (source, file) => {
    try {
      const outcome = migrate(source, file);
      outcome.leftovers.sort((a, b) => a.line - b.line);
      return outcome;
    } catch (error) {
      const line = syntaxErrorLine(error);
      if (line === null) throw error;
      const message = `not parsed, left unchanged: ${(error as Error).message}`;
      return { source, changes: 0, leftovers: [{ file, line, api: "syntax error", message }] };
    }
  };
}

/** Wraps a codemod's scan so a file its parser rejects gives one `syntax error` finding. */
export function guardSyntaxScan(scan: (source: string, file: string) => SourceFinding[]): Codemod["scan"] {
  return (source, file) => {
    try {
      return scan(source, file);
    } catch (error) {
      const line = syntaxErrorLine(error);
      if (line === null) throw error;
      return [{ file, line, api: "syntax error", message: `not parsed: ${(error as Error).message}` }];
    }
  };
}
