/**
 * The architect's `migration.analyze` task: every tracked source file of the repository at
 * `base` is parsed once on the analysis pool, with the migration's probes; the report names
 * the files that use the framework and every deprecated use with its file and line, the test
 * command and the package manager. The whole report is kept in the `artifacts` store; the
 * output carries the first uses and the counts.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AnalysisPool, FileAnalysis, ProbeSet } from "../../infra/analysis/index.ts";
import { SUPPORTED_EXTENSIONS } from "../../infra/analysis/index.ts";
import { reactDocs } from "../../infra/codemods/react/react-docs.ts";
import type { Workspaces } from "../../infra/git/index.ts";
import type { ModelClient } from "../../infra/llm/client.ts";
import type { ArtifactStore } from "../../infra/nats/artifacts.ts";
import type { AnalysisReport, AnalyzeInput, ApiUse, MigrationType } from "../../protocol/code-migration.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { projectCommands } from "./project.ts";

/** What the architect's tasks need from the world. */
export interface ArchitectPorts {
  workspaces: Workspaces;
  analysis: AnalysisPool;
  artifacts: ArtifactStore;
  /** The architect's model; undefined when none is configured (`plan.design` fails MODEL_NOT_CONFIGURED). */
  model?: ModelClient;
  now(): number;
  log(line: string): void;
}

const MAX_USES = 500;
const PROBES: Record<MigrationType, ProbeSet | null> = {
  "react-upgrade": "react",
  "python3-migration": "python2",
  custom: null,
};
const REACT_MODULES = /^(react|react-dom)(\/|$)/;

function usesFramework(file: FileAnalysis, type: MigrationType): boolean {
  if (type === "react-upgrade") return file.imports.some((m) => REACT_MODULES.test(m));
  if (type === "python3-migration") return file.deprecated.some((u) => u.api !== "/");
  return false;
}

function countByApi(uses: readonly ApiUse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const use of uses) counts[use.api] = (counts[use.api] ?? 0) + 1;
  return counts;
}

/** React APIs in the code blocks of the Markdown docs, named `docs: <api>`. */
async function docsUses(dir: string, tracked: readonly string[]): Promise<ApiUse[]> {
  const uses: ApiUse[] = [];
  for (const file of tracked.filter((f) => reactDocs.matches(f))) {
    const text = await readFile(join(dir, file), "utf8").catch(() => "");
    for (const use of await reactDocs.scan(text, file)) uses.push({ ...use, api: `docs: ${use.api}` });
  }
  return uses;
}

async function readPlanFile(dir: string, file: string): Promise<string> {
  if (file.split(/[\\/]/).includes(".."))
    throw new TerminalError(ErrorCode.InvalidInput, `plan file ${file} is outside the repository`);
  return readFile(join(dir, file), "utf8").catch(() => {
    throw new TerminalError(ErrorCode.InvalidInput, `plan file ${file} is not in the repository at its base`);
  });
}

/** Analyses the repository at `input.base`; `reportAt` names the full report's artifact. */
export async function analyzeRepository(
  ports: ArchitectPorts,
  input: AnalyzeInput,
  reportAt: string,
): Promise<AnalysisReport> {
  const started = ports.now();
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.base }, async (dir, git) => {
    const tracked = (await git.raw(["ls-files", "-z"])).split("\0").filter(Boolean);
    const sources = tracked.filter((f) => SUPPORTED_EXTENSIONS.some((ext) => f.toLowerCase().endsWith(ext)));
    const probes = PROBES[input.migration_type];
    const files = await ports.analysis.analyzeFiles(dir, sources, { rules: [], ...(probes ? { probes } : {}) });
    const docs = input.migration_type === "react-upgrade" ? await docsUses(dir, tracked) : [];
    const uses = [...files.flatMap((f) => f.deprecated), ...docs];
    const full = {
      base_sha: (await git.revparse(["HEAD"])).trim(),
      base_tree: (await git.revparse(["HEAD^{tree}"])).trim(),
      files_scanned: files.length,
      framework_files: files.filter((f) => usesFramework(f, input.migration_type)).map((f) => f.path),
      uses,
      uses_total: uses.length,
      by_api: countByApi(uses),
      ...projectCommands(dir, tracked),
      duration_ms: ports.now() - started,
      ...(input.plan_file ? { plan_text: await readPlanFile(dir, input.plan_file) } : {}),
      artifact: reportAt,
    };
    await ports.artifacts.put(reportAt, JSON.stringify(full, null, 2));
    ports.log(
      `analysis of ${input.repo}: ${full.files_scanned} files, ${uses.length} deprecated uses in ${full.duration_ms} ms`,
    );
    return { ...full, uses: uses.slice(0, MAX_USES) };
  });
}
