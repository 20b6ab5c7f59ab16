/**
 * code-migration's `migration.compile`: the repository's type check or compile, run after a
 * step beside its tests. A Node project's `typecheck` script, else `tsc --noEmit` when it has
 * a tsconfig.json and TypeScript installed; a Python project's tracked `.py` files compiled by
 * the Python the checks use (nothing written). A project with neither is `declared: false`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { MigrationTasks, type CompileInput, type CompileOutput } from "../../protocol/code-migration.ts";
import { ErrorCode, RetryableError } from "../../protocol/errors.ts";
import { INSTALL_BUDGET_MS } from "../../protocol/quality-gate.ts";
import { prepareTree, type Tree } from "./context.ts";
import type { CommandResult } from "./exec.ts";
import type { CheckerPorts } from "./ports.ts";
import { detectProject } from "./project.ts";

const TAIL_LINES = 20;
const NONE: CompileOutput = { declared: false, passed: true, exit_code: null, tail: "no type check or compile" };
/** Compiles the files given as arguments; prints `file:line: message` per syntax error. */
const PY_COMPILE = [
  "import sys",
  "bad = 0",
  "for f in sys.argv[1:]:",
  "    try:",
  "        compile(open(f, 'rb').read(), f, 'exec')",
  "    except SyntaxError as e:",
  "        print(f'{f}:{e.lineno}: {e.msg}')",
  "        bad += 1",
  "sys.exit(1 if bad else 0)",
].join("\n");

/** The command that type-checks or compiles the tree, or undefined when it has none. */
function compileCommand(tree: Tree, pyFiles: string[]): { cmd: string; args: string[]; text: string } | undefined {
  const { project, dir } = tree;
  if (project.kind === "node") {
    if (project.scripts.typecheck !== undefined)
      return { cmd: "npm", args: ["run", "typecheck"], text: "npm run typecheck" };
    const tsc = join(dir, "node_modules", ".bin", "tsc");
    if (existsSync(join(dir, "tsconfig.json")) && existsSync(tsc))
      return { cmd: tsc, args: ["--noEmit"], text: "tsc --noEmit" };
    return undefined;
  }
  if (pyFiles.length === 0) return undefined;
  return { cmd: "python3", args: ["-c", PY_COMPILE, ...pyFiles], text: `python3 compile of ${pyFiles.length} files` };
}

function tailOf(result: CommandResult): string {
  const output = `${result.stdoutTail}${result.stderrTail}`.trimEnd().split("\n").slice(-TAIL_LINES).join("\n");
  return result.timedOut ? `${output}\n(timed out after ${result.limitMs} ms)`.trim() : output;
}

/** Type-checks or compiles `input.head_sha`. */
export async function runCompile(
  ports: CheckerPorts,
  input: CompileInput,
  signal: AbortSignal,
): Promise<CompileOutput> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.branch }, async (dir, git) => {
    await git.raw(["checkout", "--quiet", "--detach", input.head_sha]);
    const pyFiles = (await git.raw(["ls-files", "-z", "--", "*.py"])).split("\0").filter(Boolean);
    const project = await detectProject(dir);
    const nodeCheck = project.scripts.typecheck !== undefined || existsSync(join(dir, "tsconfig.json"));
    if (project.kind === "node" ? !nodeCheck : pyFiles.length === 0) return NONE;
    const budget = { installMs: INSTALL_BUDGET_MS, commandsMs: input.timeout_ms };
    // Only a Node type check needs the dependencies; compiling Python files does not.
    const tree = await prepareTree(ports, dir, input.head_sha, budget, project.kind === "node", signal);
    const cannot = tree.install?.unavailable ?? tree.toolchain.problem;
    if (cannot !== undefined) throw new RetryableError(ErrorCode.SandboxFailed, `the compile cannot run: ${cannot}`);
    const command = compileCommand(tree, pyFiles);
    if (command === undefined) return NONE;
    if (tree.install?.ok === false)
      return {
        declared: true,
        command: command.text,
        passed: false,
        exit_code: null,
        tail: tree.install.issue?.message ?? "",
      };
    const result = await tree.exec.run(command.cmd, command.args);
    const passed = result.exitCode === 0 && !result.timedOut;
    ports.log(`compile ${input.branch}@${input.head_sha.slice(0, 8)}: ${command.text} ${passed ? "passed" : "failed"}`);
    return { declared: true, command: command.text, passed, exit_code: result.exitCode, tail: tailOf(result) };
  });
}

/** The checker's `migration.compile` task, bound to its contract. */
export function compileBinding(ports: CheckerPorts): TaskBinding {
  return implement(MigrationTasks.compile, (input, task) => runCompile(ports, input, task.signal));
}
