/**
 * The checker's `check.run` task: one check on the head of a target. Clones (or fetches)
 * the repository, checks the head out in a fresh worktree, answers "not applicable" before
 * installing anything when the repository has nothing for the check, provides the
 * repository's Node and package manager and installs dependencies when the check needs them, runs the check with every repo command in the sandbox and within the
 * task's budget, and returns a full CheckOutcome. A repo's failure (missing test command,
 * hanging tests, broken config) is a failed check, never a crashed task.
 */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import {
  CHECK_NAMES,
  CheckOutcome,
  GateTasks,
  INSTALL_BUDGET_MS,
  type CheckTaskInput,
} from "../../protocol/quality-gate.ts";
import { CHECKS } from "./checks/index.ts";
import type { CheckDefinition } from "./checks/index.ts";
import { checkoutSha, createContext, prepareTree } from "./context.ts";
import type { Tree } from "./context.ts";
import { failed, notApplicable, unavailable } from "./findings.ts";
import type { CheckerPorts, CheckFindings, CheckRequest } from "./ports.ts";
import { detectProject } from "./project.ts";
import { describeToolchain } from "./toolchain.ts";

/** Runs one check and returns its outcome. */
export async function runCheck(
  ports: CheckerPorts,
  input: CheckTaskInput,
  signal: AbortSignal = new AbortController().signal,
): Promise<CheckOutcome> {
  const started = ports.now();
  const findings = await findingsOf(ports, input, signal);
  const finished = ports.now();
  const { skip_kind: skipKind, ...reported } = findings;
  return CheckOutcome.parse({
    id: input.check,
    name: CHECK_NAMES[input.check],
    status: findings.skipped ? (skipKind ?? "unavailable") : findings.passed ? "passed" : "failed",
    ...reported,
    passed: !findings.skipped && findings.passed,
    score: findings.skipped ? 0 : findings.score,
    duration_ms: finished - started,
    started_at: started,
    finished_at: finished,
    runner: ports.runner,
  });
}

function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new TerminalError(ErrorCode.Cancelled, `check cancelled before ${what}`);
}

async function findingsOf(ports: CheckerPorts, input: CheckTaskInput, signal: AbortSignal): Promise<CheckFindings> {
  const definition = CHECKS[input.check];
  const repo = await ports.workspaces.ensureClone(input.target.repo);
  throwIfAborted(signal, "the worktree");
  return ports.workspaces.withWorktree(repo, { ref: input.target.branch }, async (dir, git) => {
    const sha = await checkoutSha(git, input.target.head_sha, "head");
    const nothingToCheck = definition.applies?.(await detectProject(dir));
    if (nothingToCheck !== undefined) return notApplicable(nothingToCheck);
    const budget = { installMs: INSTALL_BUDGET_MS, commandsMs: input.timeout_ms };
    const head = await prepareTree(ports, dir, sha, budget, definition.install !== "none", signal);
    const deadline = ports.now() + head.exec.remainingMs();
    const cannotRun = requiredButMissing(definition, head);
    if (cannotRun !== undefined) return cannotRun;
    throwIfAborted(signal, input.check);
    const req: CheckRequest = {
      check: input.check,
      target: input.target,
      dir,
      required_coverage: input.required_coverage,
      timeout_ms: input.timeout_ms,
      signal,
    };
    const findings = await definition.run(createContext(ports, req, head, git, repo, deadline));
    throwIfAborted(signal, "reporting");
    if (head.install?.ok === false && head.install.issue !== undefined)
      findings.issues.push({ ...head.install.issue, severity: "info" });
    const toolchain = definition.install === "none" ? undefined : describeToolchain(head.toolchain);
    if (toolchain !== undefined && !findings.skipped && definition.install === "required")
      findings.summary = `${findings.summary} — on ${toolchain}`;
    ports.log(`check ${input.check} on ${input.target.branch}@${sha.slice(0, 8)}: ${findings.summary}`);
    return toolchain === undefined ? findings : { ...findings, runtime: toolchain };
  });
}

/**
 * A check that needs the dependencies cannot run when the repository's Node or package manager
 * could not be provided (unavailable), and fails when the install itself failed.
 */
function requiredButMissing(definition: CheckDefinition, head: Tree): CheckFindings | undefined {
  if (definition.install !== "required") return undefined;
  if (head.project.kind === "node" && head.toolchain.problem !== undefined) return unavailable(head.toolchain.problem);
  if (head.install?.unavailable !== undefined) return unavailable(head.install.unavailable);
  if (head.install?.ok === false && head.install.issue !== undefined) return failed(head.install.issue);
  return undefined;
}

/** The checker's `check.run` task, bound to its contract. */
export function checkBinding(ports: CheckerPorts): TaskBinding {
  return implement(GateTasks.check, (input, task) => runCheck(ports, input, task.signal));
}
