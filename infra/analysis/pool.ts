/**
 * The analysis pool: Piscina workers that parse JS, TS, TSX and Python with tree-sitter.
 * Callers hand over a root and relative paths; the paths are split into batches, each batch
 * goes to a worker that reads and analyses the files itself, and the results come back in
 * the order of the paths given.
 */
import { Piscina } from "piscina";
import { ErrorCode, RetryableError, TerminalError } from "../../protocol/errors.ts";
import { resolveAnalyzeArgs, resolvePoolOptions } from "./options.ts";
import type { AnalysisPoolOptions, AnalyzeOptions, ResolvedPoolOptions } from "./options.ts";
import type { AnalyzeRequest, AnalyzeResponse, FileAnalysis } from "./types.ts";

/** A running pool of analysis workers. */
export interface AnalysisPool {
  /** Number of worker threads. */
  readonly threads: number;
  /**
   * Analyses files under `root`; resolves with one {@link FileAnalysis} per path, in order.
   * Rejects with `ANALYSIS_OPTIONS_INVALID` / `INVALID_INPUT` (terminal) for bad arguments,
   * `BACKPRESSURE` when the queue is full and `ANALYSIS_FAILED` when a worker dies (retryable).
   */
  analyzeFiles(root: string, relPaths: readonly string[], options?: AnalyzeOptions): Promise<FileAnalysis[]>;
  /** Waits for running tasks, then stops the workers. Later calls are refused. */
  close(): Promise<void>;
}

const MAX_BATCH = 64;
const BATCHES_PER_THREAD = 8;

function batches(paths: string[], threads: number): string[][] {
  const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(paths.length / (threads * BATCHES_PER_THREAD))));
  const out: string[][] = [];
  for (let i = 0; i < paths.length; i += size) out.push(paths.slice(i, i + size));
  return out;
}

function taskError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/queue is at limit|no task queue available/i.test(message)) {
    return new RetryableError(ErrorCode.Backpressure, `analysis queue is full: ${message}`, { cause: err });
  }
  return new RetryableError(ErrorCode.AnalysisFailed, `analysis worker failed: ${message}`, { cause: err });
}

/** Runs `tasks` with at most `limit` in flight; stops scheduling after the first failure. */
async function runLimited<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      try {
        results[index] = await task(index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return results;
}

function dispatch(piscina: Piscina<AnalyzeRequest, AnalyzeResponse>, options: ResolvedPoolOptions) {
  return async (
    root: string,
    relPaths: readonly string[],
    analyzeOptions: AnalyzeOptions = {},
  ): Promise<FileAnalysis[]> => {
    const args = resolveAnalyzeArgs(root, relPaths, analyzeOptions);
    const chunks = batches(args.relPaths, options.threads);
    const inFlight = options.threads + Math.min(options.threads, options.maxQueue);
    const responses = await runLimited(chunks.length, inFlight, async (index) => {
      const request: AnalyzeRequest = {
        root: args.root,
        paths: chunks[index],
        rules: args.rules,
        ...(args.probes ? { probes: args.probes } : {}),
        maxFileBytes: options.maxFileBytes,
      };
      try {
        return await piscina.run(request);
      } catch (err) {
        throw taskError(err);
      }
    });
    return responses.flatMap((response) => response.files);
  };
}

/** Starts a pool of analysis workers; options are checked before any thread starts. */
export function createAnalysisPool(options: AnalysisPoolOptions = {}): AnalysisPool {
  const resolved = resolvePoolOptions(options);
  const piscina = new Piscina<AnalyzeRequest, AnalyzeResponse>({
    filename: new URL("./parse.worker.ts", import.meta.url).href,
    minThreads: resolved.threads,
    maxThreads: resolved.threads,
    maxQueue: resolved.maxQueue,
  });
  const analyze = dispatch(piscina, resolved);
  let closing: Promise<void> | undefined;
  return {
    threads: resolved.threads,
    analyzeFiles(root, relPaths, analyzeOptions) {
      if (closing !== undefined)
        return Promise.reject(new TerminalError(ErrorCode.AnalysisFailed, "analysis pool is closed"));
      return analyze(root, relPaths, analyzeOptions);
    },
    close() {
      closing ??= piscina.close();
      return closing;
    },
  };
}
