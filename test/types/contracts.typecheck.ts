/**
 * Compile-time proof that the seams are typed: `tsc --noEmit` (CI) fails if any line marked
 * `@ts-expect-error` below type-checks, that is if a dispatch with a wrong role, kind or
 * input, or a handler with a wrong output, would compile. Never run; only type-checked.
 */
import { implement } from "../../infra/nats/actor-host.ts";
import { GateTasks, type GateTask } from "../../protocol/quality-gate.ts";
import { Subject } from "../../protocol/subjects.ts";
import { dispatch, type Command } from "../../services/coordinator/index.ts";

const target = { repo: "/r", branch: "b", head_sha: "a", base: "main" };

/** Commands of a workflow whose tasks are the gate's (one per line: prettier must not move the errors). */
// prettier-ignore
export const commands: Command<GateTask>[] = [
  dispatch(GateTasks.check, "ok", { check: "lint", target, required_coverage: 80, timeout_ms: 1_000 }),
  // @ts-expect-error a role that does not exist
  { type: "dispatch", task_id: "typo-role", role: "chekcer", kind: "check.run", input: { check: "lint", target, required_coverage: 80, timeout_ms: 1 } },
  // @ts-expect-error a kind the workflow's contracts do not have
  { type: "dispatch", task_id: "typo-kind", role: "checker", kind: "check.runn", input: { check: "lint", target, required_coverage: 80, timeout_ms: 1 } },
  // @ts-expect-error a kind of another role
  { type: "dispatch", task_id: "wrong-pair", role: "checker", kind: "gate.autofix", input: { target, timeout_ms: 1 } },
  // @ts-expect-error an input the contract refuses (no such check)
  dispatch(GateTasks.check, "bad-input", { check: "spelling", target, required_coverage: 80, timeout_ms: 1_000 }),
];

// @ts-expect-error a handler whose output does not match its contract
export const badHandler = implement(GateTasks.autofix, async () => ({ applied: "yes" }));

// @ts-expect-error task subjects take a Role, not any string
export const badSubject = Subject.task("chekcer");
