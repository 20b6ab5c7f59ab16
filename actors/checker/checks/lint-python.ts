/**
 * Python lint with the repository's own linter and settings. ruff when the repo configures it
 * (`ruff.toml`, `.ruff.toml`, `[tool.ruff]`), flake8 when it configures flake8 (`.flake8`,
 * `setup.cfg`/`tox.ini` `[flake8]`) — on the paths a tox environment lints with it, if one
 * does (`flake8 six.py`), else on the whole repository; each reads its settings itself. A configured linter that
 * is not installed is stood in for by pyflakes (flake8's and ruff's F rules) filtered by the
 * repo's select, ignore and per-file ignores, with a note saying so. Without settings: ruff's
 * defaults when ruff is installed, else pyflakes, which reports likely bugs only.
 */
import { fileURLToPath } from "node:url";
import type { CheckIssue } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import { lastLines, timeoutIssue } from "../exec.ts";
import { failed, notApplicable, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { describePythons, findOnPath, pickPython } from "../python.ts";
import type { PythonInfo } from "../python.ts";
import { inspectPythonProject } from "../python-project.ts";
import type { LinterSettings } from "../python-project.ts";
import { DEFAULT_SELECT } from "./lint-code-filter.ts";
import { lintFindings } from "./lint-findings.ts";
import { parseFlake8, parsePyflakesCodes, parseRuff } from "./lint-python-output.ts";
import type { LintParse, PyflakesFilter } from "./lint-python-output.ts";

const PYFLAKES_CODES = fileURLToPath(new URL("../python/pyflakes-codes.py", import.meta.url));
const SANDBOX_DIRS = ".patchbay-tmp,.patchbay-home";

/** A linter command and how to read its output. */
interface LintPlan {
  /** `flake8 (setup.cfg)`, `pyflakes standing in for flake8 (setup.cfg)`, … */
  source: string;
  cmd: string;
  args: string[];
  parse(stdout: string): LintParse | undefined;
  note?: string;
}

type Command = { cmd: string; args: string[] };

async function moduleOrBin(
  ctx: CheckContext,
  pythons: PythonInfo[],
  name: "ruff" | "flake8",
): Promise<Command | undefined> {
  const python = pickPython(pythons, [name]);
  if (python !== undefined) return { cmd: python.path, args: ["-m", name] };
  const bin = (await findOnPath(name, ctx.searchPath))[0];
  return bin === undefined ? undefined : { cmd: bin, args: [] };
}

function ruffPlan(ruff: Command, files: string[], source: string): LintPlan {
  const args = [...ruff.args, "check", "--output-format=json", "--exit-zero", "--no-cache", ...files];
  return { source, cmd: ruff.cmd, args, parse: parseRuff };
}

/** flake8 on the paths the repo lints (its tox environment's), else on the whole repository. */
function flake8Plan(flake8: Command, settings: LinterSettings): LintPlan {
  const paths = settings.paths.length > 0 ? settings.paths : ["."];
  const args = [...flake8.args, "--exit-zero", "--format=default", `--extend-exclude=${SANDBOX_DIRS}`, ...paths];
  const scope = settings.paths.length > 0 ? `; ${paths.join(" ")}, as its tox.ini lints` : "";
  return { source: `flake8 (${settings.file}${scope})`, cmd: flake8.cmd, args, parse: parseFlake8 };
}

function pyflakesPlan(python: PythonInfo, files: string[], source: string, filter?: PyflakesFilter): LintPlan {
  return {
    source,
    cmd: python.path,
    args: ["-I", PYFLAKES_CODES, ...files],
    parse: (stdout) => parsePyflakesCodes(stdout, filter),
  };
}

/** pyflakes in place of the configured `tool`, honouring its settings; undefined without pyflakes. */
function standIn(pythons: PythonInfo[], files: string[], tool: "ruff" | "flake8", settings: LinterSettings) {
  const python = pickPython(pythons, ["pyflakes"]);
  if (python === undefined) return undefined;
  const plan = pyflakesPlan(python, files, `pyflakes standing in for ${tool} (${settings.file})`, {
    settings,
    defaults: DEFAULT_SELECT[tool],
  });
  const note = `${tool} is configured (${settings.file}) but not installed: pyflakes checked ${tool}'s F rules with the repo's select and ignores`;
  return { ...plan, note };
}

async function planLint(ctx: CheckContext, files: string[]): Promise<LintPlan | { missing: string }> {
  const pythons = await ctx.pythons();
  const declared = pythons.length > 0 ? await inspectPythonProject(ctx.head.exec, pythons[0].path) : undefined;
  const settings = declared === undefined || "error" in declared ? { ruff: null, flake8: null } : declared;
  const ruff = await moduleOrBin(ctx, pythons, "ruff");
  if (settings.ruff !== null) {
    if (ruff !== undefined) return ruffPlan(ruff, files, `ruff (${settings.ruff.file})`);
    return (
      standIn(pythons, files, "ruff", settings.ruff) ?? {
        missing: `ruff is configured (${settings.ruff.file}) but neither ruff nor pyflakes is installed (${describePythons(pythons)})`,
      }
    );
  }
  if (settings.flake8 !== null) {
    const flake8 = await moduleOrBin(ctx, pythons, "flake8");
    if (flake8 !== undefined) return flake8Plan(flake8, settings.flake8);
    return (
      standIn(pythons, files, "flake8", settings.flake8) ?? {
        missing: `flake8 is configured (${settings.flake8.file}) but neither flake8 nor pyflakes is installed (${describePythons(pythons)})`,
      }
    );
  }
  if (ruff !== undefined) return ruffPlan(ruff, files, "ruff (defaults)");
  const pyflakes = pickPython(pythons, ["pyflakes"]);
  if (pyflakes !== undefined) return pyflakesPlan(pyflakes, files, "pyflakes");
  return { missing: `neither ruff nor pyflakes is installed (${describePythons(pythons)})` };
}

/** Lints the tracked Python files. */
export async function pythonLint(ctx: CheckContext): Promise<CheckFindings> {
  const files = (await ctx.files()).filter((file) => file.endsWith(".py"));
  if (files.length === 0) return notApplicable("no Python files to lint");
  const plan = await planLint(ctx, files);
  if ("missing" in plan) return unavailable(plan.missing);
  const result = await ctx.head.exec.run(plan.cmd, plan.args);
  if (result.timedOut) return failed(timeoutIssue(result, plan.source));
  const output = result.exitCode === 0 ? plan.parse(result.stdoutTail) : undefined;
  if (output === undefined)
    return unavailable(`${plan.source} could not run (exit ${result.exitCode ?? result.signal}): ${lastLines(result)}`);
  const notes: CheckIssue[] = plan.note === undefined ? [] : [{ severity: "info", message: plan.note }];
  return lintFindings(output.counts, [...output.issues, ...notes], plan.source);
}
