/**
 * Findings of a Python suite whose test modules could not be imported. A module the tests
 * import that the repository does not provide and the interpreter does not have (a missing
 * third-party package) means the suite could not run: unavailable, naming the module. Any
 * other import failure (a broken import, a syntax error in the repository's code) fails the
 * check, with the first error of each module.
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import { capIssues, failed, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { providesModule } from "../python-project.ts";
import type { ImportFailure } from "../runners/index.ts";

/** A path inside the worktree as relative to it (pytest names a conftest.py by its absolute path). */
function relative(dir: string, path: string): string {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

/** Findings from the import failures of a run of `source` in the worktree `dir`. */
export async function importFindings(
  dir: string,
  source: string,
  failures: readonly ImportFailure[],
): Promise<CheckFindings> {
  const metrics = { passed: 0, failed: 0, total: 0 };
  const modules = failures.map((item) => ({ ...item, module: relative(dir, item.module) }));
  for (const item of modules) {
    if (item.missingModule !== undefined && !(await providesModule(dir, item.missingModule))) {
      return unavailable(
        `${source} could not import ${item.module}: module '${item.missingModule}' is not installed (${item.error})`,
        metrics,
      );
    }
  }
  const issues: CheckIssue[] = modules.map((item) => ({
    severity: "high",
    message: `${item.module} could not be imported: ${item.error}`,
    file: item.module.endsWith(".py") ? item.module : undefined,
    rule: "import-error",
  }));
  const first = modules[0];
  const count = `${failures.length} test module${failures.length === 1 ? "" : "s"}`;
  const summary = `${count} could not be imported; first: ${first.module}: ${first.error}`;
  return { ...failed(issues[0], metrics, summary), issues: capIssues(issues) };
}
