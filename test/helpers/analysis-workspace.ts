/**
 * A temp dir of source files and a real analysis pool (two Piscina workers, real grammars)
 * for the analysis unit tests: registers the test file's before/after hooks.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestFn } from "ava";
import { createAnalysisPool } from "../../infra/analysis/index.ts";
import type { AnalysisPool, FileAnalysis } from "../../infra/analysis/index.ts";

/** The workspace of one test file. */
export interface AnalysisWorkspace {
  readonly root: string;
  readonly pool: AnalysisPool;
  /** Writes `lines` to a fresh file with extension `ext` and returns its relative path. */
  source(ext: string, lines: string[]): Promise<string>;
  /** Writes one file and analyses it on the pool (`rules`: only those). */
  analyzeOne(ext: string, lines: string[], rules?: string[]): Promise<FileAnalysis>;
}

/** Starts the pool before the file's tests and removes everything after them. */
export function analysisWorkspace(test: TestFn): AnalysisWorkspace {
  let root = "";
  let pool: AnalysisPool | undefined;
  let counter = 0;
  test.before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "patchbay-analysis-"));
    pool = createAnalysisPool({ threads: 2 });
  });
  test.after.always(async () => {
    await pool?.close();
    if (root !== "") await rm(root, { recursive: true, force: true });
  });
  const ws: AnalysisWorkspace = {
    get root() {
      return root;
    },
    get pool() {
      if (pool === undefined) throw new Error("the analysis pool starts in test.before");
      return pool;
    },
    async source(ext, lines) {
      const rel = path.join(`case${counter++}`, `file${ext}`);
      await mkdir(path.join(root, path.dirname(rel)), { recursive: true });
      await writeFile(path.join(root, rel), lines.join("\n") + "\n");
      return rel;
    },
    async analyzeOne(ext, lines, rules) {
      const rel = await ws.source(ext, lines);
      const [result] = await ws.pool.analyzeFiles(root, [rel], rules === undefined ? {} : { rules });
      return result;
    },
  };
  return ws;
}
