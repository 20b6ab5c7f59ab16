/**
 * Piscina task: analyse a batch of files. The worker reads the files itself, so only paths
 * go in and only the compact {@link AnalyzeResponse} comes back. Grammars are loaded on
 * first use and kept for the worker's lifetime.
 */
import { analyzeBatch } from "./analyze.ts";
import type { AnalyzeRequest, AnalyzeResponse } from "./types.ts";

/** Analyses `request.paths` under `request.root`, one result per path, in order. */
export default function parseWorker(request: AnalyzeRequest): Promise<AnalyzeResponse> {
  return analyzeBatch(request);
}
