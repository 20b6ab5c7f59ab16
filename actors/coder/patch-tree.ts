/**
 * The parts of a patch task that touch its worktree: the repository's test command, the run
 * of it, and staging exactly what the agent changed (tracked files it modified or deleted,
 * files it created), never what the install left (node_modules of a repo that does not
 * ignore them, a venv).
 */
import type { SimpleGit } from "simple-git";
import type { Tree } from "../checker/index.ts";
import type { PatchOutput } from "../../protocol/code-patch.ts";

/** The repository's own test command, as argv: its `test` script through its manager, or its Python runner. */
export function testCommandOf(tree: Tree): string[] | undefined {
  const { project } = tree;
  if (project.kind === "node" && project.scripts.test !== undefined)
    return [tree.toolchain.manager?.command ?? "npm", "test"];
  if (project.kind === "python")
    return project.pytest ? ["python3", "-m", "pytest", "-q"] : ["python3", "-m", "unittest"];
  return undefined;
}

/** Runs `argv` in the tree, within its budget. */
export async function runArgv(
  tree: Tree,
  argv: string[],
): Promise<{ exitCode: number | null; output: string; timedOut: boolean }> {
  const [cmd = "", ...args] = argv;
  const result = await tree.exec.run(cmd, args);
  return { exitCode: result.exitCode, output: `${result.stdoutTail}${result.stderrTail}`, timedOut: result.timedOut };
}

/** The tests after the change. */
export async function runTests(tree: Tree, argv: string[] | undefined): Promise<PatchOutput["tests"]> {
  if (argv === undefined) return null;
  const result = await runArgv(tree, argv);
  const tail = result.output.trim().split("\n").slice(-30).join("\n");
  return {
    command: argv.join(" "),
    exit_code: result.exitCode,
    passed: result.exitCode === 0 && !result.timedOut,
    tail,
  };
}

/** Untracked, non-ignored files: taken before the agent runs, so what the install made is told apart. */
export async function untrackedFiles(git: SimpleGit): Promise<Set<string>> {
  const out = await git.raw(["ls-files", "--others", "--exclude-standard", "-z"]);
  return new Set(out.split("\0").filter(Boolean));
}

/** Stages what the agent changed and returns those paths. */
export async function stageAgentChanges(git: SimpleGit, before: Set<string>): Promise<string[]> {
  await git.raw(["add", "-u"]);
  const created = [...(await untrackedFiles(git))].filter((file) => !before.has(file));
  if (created.length > 0) await git.raw(["add", "--", ...created]);
  return (await git.raw(["diff", "--cached", "--name-only", "-z"])).split("\0").filter(Boolean);
}
