/**
 * incident-swarm's `incident.verify`: the repository's own verification command
 * (`"patchbay": {"verify": "…"}` in package.json, or patchbay.json) run with `sh -c` on a
 * worktree of `ref`, with dependencies installed and on the repository's Node, in the sandbox,
 * as the checks run. A repository that declares none passes (nothing to roll back for).
 */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { ErrorCode, RetryableError } from "../../protocol/errors.ts";
import { IncidentTasks } from "../../protocol/incident-swarm.ts";
import type { TaskParsedInput, TaskResult } from "../../protocol/contract.ts";
import { INSTALL_BUDGET_MS } from "../../protocol/quality-gate.ts";
import { prepareTree } from "./context.ts";
import type { CommandResult } from "./exec.ts";
import type { CheckerPorts } from "./ports.ts";
import { detectProject } from "./project.ts";

type VerifyInput = TaskParsedInput<typeof IncidentTasks.verify>;
type VerifyOutput = TaskResult<typeof IncidentTasks.verify>;

/** Lines of the command's output kept in `tail`. */
const TAIL_LINES = 20;

/** Runs the verification of `input.ref`. */
export async function runVerify(ports: CheckerPorts, input: VerifyInput, signal: AbortSignal): Promise<VerifyOutput> {
  const repo = await ports.workspaces.ensureClone(input.repo);
  return ports.workspaces.withWorktree(repo, { ref: input.ref }, async (dir, git) => {
    const command = (await detectProject(dir)).settings.verify;
    if (command === undefined)
      return { declared: false, passed: true, exit_code: null, tail: "no verification command declared" };
    const sha = (await git.revparse(["HEAD"])).trim();
    const budget = { installMs: INSTALL_BUDGET_MS, commandsMs: input.timeout_ms };
    const tree = await prepareTree(ports, dir, sha, budget, true, signal);
    const cannot = tree.install?.unavailable ?? tree.toolchain.problem;
    if (cannot !== undefined) throw new RetryableError(ErrorCode.SandboxFailed, `verification cannot run: ${cannot}`);
    if (tree.install?.ok === false)
      return { declared: true, command, passed: false, exit_code: null, tail: tree.install.issue?.message ?? "" };
    const result = await tree.exec.run("sh", ["-c", command]);
    const passed = result.exitCode === 0 && !result.timedOut;
    ports.log(`verify ${input.ref}@${sha.slice(0, 8)}: ${command} ${passed ? "passed" : "failed"}`);
    return { declared: true, command, passed, exit_code: result.exitCode, tail: tailOf(result) };
  });
}

/** The last lines of stdout and stderr (a timeout says so). */
function tailOf(result: CommandResult): string {
  const output = `${result.stdoutTail}${result.stderrTail}`.trimEnd().split("\n").slice(-TAIL_LINES).join("\n");
  return result.timedOut ? `${output}\n(timed out after ${result.limitMs} ms)`.trim() : output;
}

/** The checker's `incident.verify` task, bound to its contract. */
export function verifyBinding(ports: CheckerPorts): TaskBinding {
  return implement(IncidentTasks.verify, (input, task) => runVerify(ports, input, task.signal));
}
