/**
 * The environment a Python suite runs in. The checked-out code always wins over any copy
 * installed on the machine: `src/` (src layout) or the root is first on PYTHONPATH. The
 * requirements the repository declares for its tests are looked up in the chosen
 * interpreter; when some are missing, a virtual environment is made for the check
 * (`--system-site-packages`, so the machine's pytest and coverage stay usable, inside the
 * worktree's sandbox TMPDIR) and pip installs the missing ones there. When that fails, the
 * suite cannot run, and the reason names the missing distributions and pip's error.
 */
import { delimiter, join } from "node:path";
import { SANDBOX_TMP_DIR } from "../../infra/sandbox/index.ts";
import type { CheckIssue } from "../../protocol/quality-gate.ts";
import type { CommandResult, Exec } from "./exec.ts";
import { lastLines, succeeded } from "./exec.ts";
import { importRoots, inspectPythonProject } from "./python-project.ts";
import type { PythonDeclarations, PythonRequirement } from "./python-project.ts";

/** How long pip may try to install the missing test requirements. */
export const PIP_BUDGET_MS = 120_000;

/** An interpreter ready for the suite, the variables its commands need, and notes for the findings. */
export interface PythonRun {
  python: string;
  env: Record<string, string>;
  notes: CheckIssue[];
  declarations: PythonDeclarations;
}

/** Prepares `python` (a path) for the repository's tests, or says why they cannot run. */
export async function preparePythonRun(exec: Exec, python: string): Promise<PythonRun | { unavailable: string }> {
  const declarations = await inspectPythonProject(exec, python);
  if ("error" in declarations) return { unavailable: declarations.error };
  const env = { PYTHONPATH: (await importRoots(exec.dir)).join(delimiter), PYTHONDONTWRITEBYTECODE: "1" };
  const missing = declarations.requirements.filter((requirement) => requirement.installed === null);
  if (missing.length === 0) return { python, env, notes: [], declarations };
  const venv = join(exec.dir, SANDBOX_TMP_DIR, "venv");
  const created = await exec.run(python, ["-m", "venv", "--system-site-packages", "--without-pip", venv], {
    timeoutMs: 60_000,
  });
  if (!succeeded(created))
    return { unavailable: `${describeMissing(missing)}; creating a virtual environment failed: ${lastLines(created)}` };
  const venvPython = join(venv, "bin", "python");
  const installed = await exec.run(venvPython, pipInstallArgs(missing), {
    timeoutMs: PIP_BUDGET_MS,
    env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" },
  });
  if (!succeeded(installed)) return { unavailable: `${describeMissing(missing)}; pip: ${pipReason(installed)}` };
  const note: CheckIssue = {
    severity: "info",
    message: `installed for the tests into a virtual environment: ${missing.map((item) => item.requirement).join(", ")}`,
  };
  return { python: venvPython, env, notes: [note], declarations };
}

function pipInstallArgs(missing: readonly PythonRequirement[]): string[] {
  return [
    "-m",
    "pip",
    "install",
    "--no-color",
    "--no-build-isolation",
    "--retries",
    "0",
    "--timeout",
    "15",
    ...missing.map((item) => item.requirement),
  ];
}

/** `test dependencies not installed: freezegun (pyproject.toml extra 'tests'), …`. */
function describeMissing(missing: readonly PythonRequirement[]): string {
  const names = missing.map((item) => `${item.requirement} (${item.source})`);
  return `test dependencies not installed: ${names.join(", ")}`;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

/** pip's own `ERROR:` lines (the first two), else the end of its output. */
function pipReason(result: CommandResult): string {
  if (result.timedOut) return `timed out after ${result.limitMs} ms`;
  const errors = `${result.stderrTail}\n${result.stdoutTail}`
    .split("\n")
    .map((line) => line.replace(ANSI, "").trim())
    .filter((line) => line.startsWith("ERROR:"));
  return errors.length > 0 ? errors.slice(0, 2).join(" | ").slice(0, 500) : lastLines(result);
}
