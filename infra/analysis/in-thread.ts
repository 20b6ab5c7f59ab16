/**
 * The same analysis as the pool, run in the calling thread: the baseline of the benchmark
 * and a fallback where threads are unwanted. Only loading the grammars (once per thread) is
 * asynchronous; the files themselves are read and parsed synchronously, blocking the caller.
 */
import { analyzeBatch } from "./analyze.ts";
import { resolveAnalyzeArgs, resolvePoolOptions } from "./options.ts";
import type { AnalysisPoolOptions, AnalyzeOptions } from "./options.ts";
import type { FileAnalysis } from "./types.ts";

/** Analyses files under `root` in this thread; same results and errors as the pool. */
export async function analyzeFilesInThread(
  root: string,
  relPaths: readonly string[],
  options: AnalyzeOptions = {},
  limits: Pick<AnalysisPoolOptions, "maxFileBytes"> = {},
): Promise<FileAnalysis[]> {
  const { maxFileBytes } = resolvePoolOptions(limits);
  const args = resolveAnalyzeArgs(root, relPaths, options);
  const probes = args.probes ? { probes: args.probes } : {};
  const response = await analyzeBatch({
    root: args.root,
    paths: args.relPaths,
    rules: args.rules,
    maxFileBytes,
    ...probes,
  });
  return response.files;
}
