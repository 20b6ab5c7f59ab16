/**
 * `quality-gate`: resolve the branch or PR (merger) → the checks in parallel (checker) →
 * auto-fix and re-check lint when something is fixable (coder, checker) → score → PR status
 * and comment (merger) → QualityGateResult. Pure: everything arrives as events.
 */
import {
  CHECK_IDS,
  GateTasks,
  INSTALL_BUDGET_MS,
  QualityGateInput,
  type AutofixOutput,
  type CheckId,
  type CheckOutcome,
  type GateTask,
  type QualityGateResult,
  type ResolvedTarget,
} from "../../../protocol/quality-gate.ts";
import { dispatch, isCompletion, type Command, type Dispatch, type Workflow, type WorkflowEvent } from "../decider.ts";
import { scoreGate, unrunnableOutcome } from "./quality-gate-scoring.ts";

/** Where the gate is. */
export type GatePhase = "resolving" | "checking" | "fixing" | "rechecking" | "reporting";

/** The gate's state. */
export interface GateState {
  workflow_id: string;
  input: QualityGateInput;
  phase: GatePhase;
  target?: ResolvedTarget;
  outcomes: Partial<Record<CheckId, CheckOutcome>>;
  /** Check task ids still out in this phase. */
  outstanding: string[];
  autofix?: AutofixOutput;
  /** Set on entering `reporting`. */
  result?: QualityGateResult;
}

const RESOLVE_TIMEOUT_MS = 120_000;
/** Installing dependencies has its own budget, on top of a check's (INSTALL_BUDGET_MS). */
const CHECK_GRACE_MS = INSTALL_BUDGET_MS;

const checkTaskId = (id: CheckId, round: number) => (round === 1 ? `check-${id}` : `check-${id}-${round}`);
const checkOfTask = (taskId: string) => taskId.replace(/^check-/, "").replace(/-\d+$/, "") as CheckId;
/** An event of the gate. */
type GateEvent = WorkflowEvent<GateTask>;
/** A task event of the gate. */
type TaskEvent = Extract<GateEvent, { type: "task.completed" | "task.failed" }>;
const isTaskEvent = (e: GateEvent): e is TaskEvent => e.type === "task.completed" || e.type === "task.failed";

function selectedChecks(input: QualityGateInput): CheckId[] {
  return CHECK_IDS.filter((id) => !input.checks || input.checks.includes(id));
}

function checkTask(
  state: GateState,
  target: ResolvedTarget,
  id: CheckId,
  round: number,
): Dispatch<typeof GateTasks.check> {
  const input = {
    check: id,
    target,
    required_coverage: state.input.required_coverage,
    timeout_ms: state.input.check_timeout_ms,
  };
  return dispatch(GateTasks.check, checkTaskId(id, round), input, {
    timeout_ms: state.input.check_timeout_ms + CHECK_GRACE_MS,
    max_attempts: 2,
  });
}

/** Whether lint found something an auto-fix can change. */
function fixable(state: GateState): boolean {
  const lint = state.outcomes.lint;
  return state.input.attempt_auto_fix && !!lint && !lint.skipped && (lint.metrics.fixable ?? 0) > 0;
}

/** Enters `reporting` with the scored result. */
function toReporting(state: GateState): GateState {
  const target = state.target as ResolvedTarget;
  const result = scoreGate({
    target,
    outcomes: Object.values(state.outcomes) as CheckOutcome[],
    required_score: state.input.required_score,
    required_coverage: state.input.required_coverage,
    ...(state.autofix ? { autofix: state.autofix } : {}),
  });
  return { ...state, phase: "reporting", result };
}

function onCheck(state: GateState, event: TaskEvent): GateState {
  const id = checkOfTask(event.task_id);
  let outcome = isCompletion(event, GateTasks.check)
    ? event.output
    : event.type === "task.failed"
      ? unrunnableOutcome(id, event.error, event.at)
      : undefined;
  if (!outcome) return state;
  if (state.phase === "rechecking" && state.autofix?.commit_sha) {
    outcome = {
      ...outcome,
      summary: `${outcome.summary} (after auto-fix ${state.autofix.commit_sha.slice(0, 8)}: ${state.autofix.fixed} fixed)`,
    };
  }
  const next = {
    ...state,
    outcomes: { ...state.outcomes, [id]: outcome },
    outstanding: state.outstanding.filter((t) => t !== event.task_id),
  };
  if (next.outstanding.length > 0) return next;
  if (next.phase === "checking" && fixable(next)) return { ...next, phase: "fixing" };
  return toReporting(next);
}

function onAutofix(state: GateState, event: TaskEvent): GateState {
  const notApplied = event.type === "task.failed" ? { not_applied: `${event.error.code} ${event.error.message}` } : {};
  const autofix: AutofixOutput = isCompletion(event, GateTasks.autofix)
    ? event.output
    : { applied: false, fixed: 0, files: [], tools: [], ...notApplied };
  if (!autofix.applied || !autofix.commit_sha || !state.target) return toReporting({ ...state, autofix });
  const target = { ...state.target, head_sha: autofix.commit_sha };
  return { ...state, autofix, target, phase: "rechecking", outstanding: [checkTaskId("lint", 2)] };
}

function evolve(state: GateState, event: GateEvent): GateState {
  if (!isTaskEvent(event)) return state;
  if (isCompletion(event, GateTasks.resolve)) {
    return {
      ...state,
      target: event.output,
      phase: "checking",
      outstanding: selectedChecks(state.input).map((id) => checkTaskId(id, 1)),
    };
  }
  if (event.task_id.startsWith("check-")) return onCheck(state, event);
  if (event.task_id === "autofix") return onAutofix(state, event);
  return state;
}

/** Commands on entering a phase: what the event just led to. */
function enter(state: GateState): Command<GateTask>[] {
  const target = state.target as ResolvedTarget;
  switch (state.phase) {
    case "checking":
      return selectedChecks(state.input).map((id) => checkTask(state, target, id, 1));
    case "fixing":
      return [
        dispatch(
          GateTasks.autofix,
          "autofix",
          { target, timeout_ms: state.input.check_timeout_ms },
          { timeout_ms: state.input.check_timeout_ms + CHECK_GRACE_MS },
        ),
      ];
    case "rechecking":
      return [checkTask(state, target, "lint", 2)];
    case "reporting":
      if (target.pr_number === undefined || !state.result) return [{ type: "complete", result: state.result }];
      return [
        dispatch(
          GateTasks.report,
          "report",
          { target, workflow_id: state.workflow_id, result: state.result },
          { timeout_ms: 60_000 },
        ),
      ];
    default:
      return [];
  }
}

function decide(state: GateState, event: GateEvent): Command<GateTask>[] {
  if (event.type === "started") {
    const { repo, branch, pr_number, base } = state.input;
    return [
      dispatch(GateTasks.resolve, "resolve", { repo, branch, pr_number, base }, { timeout_ms: RESOLVE_TIMEOUT_MS }),
    ];
  }
  if (!isTaskEvent(event)) return [];
  if (event.task_id === "resolve")
    return event.type === "task.failed" ? [{ type: "fail", error: event.error }] : enter(state);
  // A failed report is in the history; the gate's verdict stands.
  if (event.task_id === "report") return [{ type: "complete", result: state.result }];
  if (event.task_id.startsWith("check-") && state.outstanding.length > 0) return [];
  return enter(state);
}

/** The quality-gate workflow. */
export const qualityGate: Workflow<QualityGateInput, GateState, GateTask> = {
  type: "quality-gate",
  version: 1,
  input: QualityGateInput,
  tasks: [GateTasks.resolve, GateTasks.check, GateTasks.autofix, GateTasks.report],
  initial: (input, ctx) => ({ workflow_id: ctx.id, input, phase: "resolving", outcomes: {}, outstanding: [] }),
  evolve,
  decide,
};
