/**
 * Analysis of a batch of files, the same code in a Piscina worker and in the calling thread:
 * read the file, parse it, extract symbols/imports/metrics, run the pattern rules. A file
 * that cannot be analysed gets an `error`; it never fails the batch.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ErrorCode, ensureError } from "../../protocol/errors.ts";
import type { ErrorInfo } from "../../protocol/errors.ts";
import { extract, syntaxErrors } from "./extract.ts";
import { familyOf, languageForPath, loadLanguages, parserFor } from "./languages.ts";
import { runProbes } from "./migration-probes.ts";
import { runRules } from "./rules.ts";
import type { AnalyzeRequest, AnalyzeResponse, FileAnalysis, LanguageId } from "./types.ts";

function emptyResult(relPath: string, language: LanguageId | null, error?: ErrorInfo): FileAnalysis {
  const result: FileAnalysis = {
    path: relPath,
    language,
    symbols: [],
    imports: [],
    functions: [],
    codeLines: [],
    matches: [],
    syntaxErrors: [],
    deprecated: [],
  };
  if (error !== undefined) result.error = error;
  return result;
}

function readSource(absPath: string, maxFileBytes: number): string | ErrorInfo {
  try {
    const size = statSync(absPath).size;
    if (size > maxFileBytes) {
      return { code: ErrorCode.AnalysisFileTooLarge, message: `${size} bytes is over the ${maxFileBytes}-byte limit` };
    }
    return readFileSync(absPath, "utf8");
  } catch (err) {
    return { code: ErrorCode.AnalysisFileUnreadable, message: ensureError(err).message };
  }
}

/** Analyses one file; grammars for its language must already be loaded. */
function analyzeFile(root: string, relPath: string, request: Omit<AnalyzeRequest, "root" | "paths">): FileAnalysis {
  const language = languageForPath(relPath);
  if (language === null) {
    const ext = path.extname(relPath) || "(none)";
    return emptyResult(relPath, null, {
      code: ErrorCode.AnalysisUnsupportedFile,
      message: `no grammar for extension ${ext}`,
    });
  }
  const source = readSource(path.join(root, relPath), request.maxFileBytes);
  if (typeof source !== "string") return emptyResult(relPath, language, source);
  const tree = parserFor(language).parse(source);
  if (tree === null) {
    return emptyResult(relPath, language, { code: ErrorCode.AnalysisFailed, message: "parser returned no tree" });
  }
  try {
    const family = familyOf(language);
    const { symbols, imports, functions, codeLines } = extract(tree, source, family);
    const matches = runRules(tree.rootNode, source, family, relPath, request.rules);
    const errors = syntaxErrors(tree.rootNode);
    const deprecated = request.probes ? runProbes(tree.rootNode, family, relPath, request.probes) : [];
    return {
      path: relPath,
      language,
      symbols,
      imports,
      functions,
      codeLines,
      matches,
      syntaxErrors: errors,
      deprecated,
    };
  } finally {
    tree.delete();
  }
}

/** Analyses a batch: loads the grammars it needs, then each file in order. */
export async function analyzeBatch(request: AnalyzeRequest): Promise<AnalyzeResponse> {
  const needed: LanguageId[] = [];
  for (const relPath of request.paths) {
    const language = languageForPath(relPath);
    if (language !== null) needed.push(language);
  }
  await loadLanguages(needed);
  const files = request.paths.map((relPath) => {
    try {
      return analyzeFile(request.root, relPath, request);
    } catch (err) {
      return emptyResult(relPath, languageForPath(relPath), {
        code: ErrorCode.AnalysisFailed,
        message: ensureError(err).message,
      });
    }
  });
  return { files };
}
