/**
 * `py-2to3`: Python's own fixers, for what the tree-sitter codemods do not cover
 * ({@link LIB2TO3_FIXERS}: `raw_input`, `execfile`, `apply`, an `exec` statement the
 * tree-sitter grammar could not read, `sys.maxint`, `__nonzero__`,
 * `func_name`, tuple parameters, …). It runs the machine's `python3` with lib2to3 on each
 * file (stdin in, JSON out; see lib2to3-program.ts).
 *
 * It never succeeds silently: when the interpreter has no lib2to3 (Python 3.13+), cannot be
 * started, or lib2to3 cannot parse the file, `apply` returns the file unchanged with a
 * leftover on line 1 saying why the fixers did not run, and `scan` lists the same leftover.
 * With `enabled: false` (environment `PATCHBAY_LIB2TO3=off`) it reports that it is disabled
 * the same way; the tree-sitter codemods alone still migrate what they cover.
 */
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import { LIB2TO3_PROGRAM, NO_LIB2TO3_EXIT } from "./lib2to3-program.ts";
import { runPython } from "./run-python.ts";

/** The lib2to3 fixers `py-2to3` runs (together, in lib2to3's own order). */
export const LIB2TO3_FIXERS: readonly string[] = [
  "apply",
  "asserts",
  "exec",
  "execfile",
  "exitfunc",
  "funcattrs",
  "getcwdu",
  "input",
  "intern",
  "metaclass",
  "methodattrs",
  "nonzero",
  "operator",
  "paren",
  "raw_input",
  "reduce",
  "reload",
  "renames",
  "standarderror",
  "sys_exc",
  "throw",
  "tuple_params",
  "types",
  "xreadlines",
  "isinstance",
];

/** How `py-2to3` runs. */
export interface Lib2to3Options {
  /** Whether to run lib2to3 at all (false: every file gets a "disabled" leftover). */
  enabled: boolean;
  /** The interpreter: a name on PATH or an absolute path. */
  python: string;
  /** Per-file time limit. */
  timeoutMs: number;
}

/** The options from the environment: `PATCHBAY_LIB2TO3=off` disables, `PATCHBAY_PYTHON` picks the interpreter. */
export function lib2to3OptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Lib2to3Options {
  return { enabled: env.PATCHBAY_LIB2TO3 !== "off", python: env.PATCHBAY_PYTHON ?? "python3", timeoutMs: 30_000 };
}

interface FixerReport {
  source?: string;
  fixes?: Array<{ fixer: string; line: number }>;
  error?: string;
}

type Lib2to3Result = { ok: true; source: string; findings: SourceFinding[] } | { ok: false; leftover: SourceFinding };

function notRun(file: string, why: string): Lib2to3Result {
  return { ok: false, leftover: { file, line: 1, api: "lib2to3", message: `lib2to3 fixers not run: ${why}` } };
}

/** Runs the fixers on one file. */
async function runFixers(options: Lib2to3Options, source: string, file: string): Promise<Lib2to3Result> {
  if (!options.enabled) return notRun(file, "disabled (PATCHBAY_LIB2TO3=off)");
  const run = await runPython(options.python, LIB2TO3_PROGRAM, [LIB2TO3_FIXERS.join(",")], source, options.timeoutMs);
  if (run.failure) return notRun(file, run.failure);
  if (run.exitCode === NO_LIB2TO3_EXIT) return notRun(file, `${options.python}: ${run.stderr.trim()}`);
  if (run.exitCode !== 0)
    return notRun(file, `${options.python} exited ${run.exitCode}: ${run.stderr.trim().slice(-300)}`);
  const report = JSON.parse(run.stdout) as FixerReport;
  if (report.error !== undefined || report.source === undefined)
    return notRun(file, `lib2to3 could not read the file (${report.error ?? "no output"})`);
  const findings = (report.fixes ?? []).map(({ fixer, line }) => ({
    file,
    line,
    api: `lib2to3 ${fixer}`,
    message: `lib2to3 fixer ${fixer}`,
  }));
  return { ok: true, source: report.source, findings };
}

/** The `py-2to3` codemod with the given options. */
export function lib2to3Codemod(options: Lib2to3Options): Codemod {
  return {
    id: "py-2to3",
    description: `lib2to3 fixers not covered by the tree-sitter codemods (${LIB2TO3_FIXERS.join(", ")})`,
    matches: (file) => file.endsWith(".py"),
    async scan(source, file) {
      const result = await runFixers(options, source, file);
      return result.ok ? result.findings.sort((a, b) => a.line - b.line) : [result.leftover];
    },
    async apply(source, file): Promise<CodemodOutcome> {
      const result = await runFixers(options, source, file);
      if (!result.ok) return { source, changes: 0, leftovers: [result.leftover] };
      return { source: result.source, changes: result.findings.length, leftovers: [] };
    },
  };
}
