/**
 * `quality-gate`: resolve the branch or PR (merger) → the checks in parallel (checker) →
 * auto-fix and re-check lint when something is fixable (coder, checker) → score → PR status
 * and comment (merger) → QualityGateResult. Pure: everything arrives as events.
 */
import {
  AutofixOutput, CHECK_IDS, CheckOutcome, QualityGateInput, ResolvedTarget,
  type CheckId, type QualityGateResult,
} from "../../../protocol/quality-gate.ts";
import type { Command, Dispatch, Workflow, WorkflowEvent } from "../decider.ts";
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

/** Task kinds of the gate. */
export const GateKind = { Resolve: "gate.resolve", Check: "check.run", Autofix: "gate.autofix", Report: "gate.report" } as const;

const RESOLVE_TIMEOUT_MS = 120_000;
/** Installing dependencies comes on top of a check's own budget. */
const CHECK_GRACE_MS = 120_000;

const checkTaskId = (id: CheckId, round: number) => (round === 1 ? `check-${id}` : `check-${id}-${round}`);
const checkOfTask = (taskId: string) => taskId.replace(/^check-/, "").replace(/-\d+$/, "") as CheckId;
/** A task event of the gate. */
type TaskEvent = Extract<WorkflowEvent, { type: "task.completed" | "task.failed" }>;
const isTaskEvent = (e: WorkflowEvent): e is TaskEvent => e.type === "task.completed" || e.type === "task.failed";

function selectedChecks(input: QualityGateInput): CheckId[] {
  return CHECK_IDS.filter((id) => !input.checks || input.checks.includes(id));
}

function checkTask(state: GateState, target: ResolvedTarget, id: CheckId, round: number): Dispatch {
  const input = { check: id, target, required_coverage: state.input.required_coverage, timeout_ms: state.input.check_timeout_ms };
  return {
    type: "dispatch", task_id: checkTaskId(id, round), role: "checker", kind: GateKind.Check, input,
    timeout_ms: state.input.check_timeout_ms + CHECK_GRACE_MS, max_attempts: 2,
  };
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
    target, outcomes: Object.values(state.outcomes) as CheckOutcome[], required_score: state.input.required_score,
    required_coverage: state.input.required_coverage, ...(state.autofix ? { autofix: state.autofix } : {}),
  });
  return { ...state, phase: "reporting", result };
}

function onCheck(state: GateState, event: TaskEvent): GateState {
  const id = checkOfTask(event.task_id);
  let outcome = event.type === "task.completed" ? CheckOutcome.parse(event.output) : unrunnableOutcome(id, event.error, event.at);
  if (state.phase === "rechecking" && state.autofix?.commit_sha) {
    outcome = { ...outcome, summary: `${outcome.summary} (after auto-fix ${state.autofix.commit_sha.slice(0, 8)}: ${state.autofix.fixed} fixed)` };
  }
  const next = { ...state, outcomes: { ...state.outcomes, [id]: outcome }, outstanding: state.outstanding.filter((t) => t !== event.task_id) };
  if (next.outstanding.length > 0) return next;
  if (next.phase === "checking" && fixable(next)) return { ...next, phase: "fixing" };
  return toReporting(next);
}

function onAutofix(state: GateState, event: TaskEvent): GateState {
  const autofix = event.type === "task.completed" ? AutofixOutput.parse(event.output) : { applied: false, fixed: 0, files: [], tools: [] };
  if (!autofix.applied || !autofix.commit_sha || !state.target) return toReporting({ ...state, autofix });
  const target = { ...state.target, head_sha: autofix.commit_sha };
  return { ...state, autofix, target, phase: "rechecking", outstanding: [checkTaskId("lint", 2)] };
}

function evolve(state: GateState, event: WorkflowEvent): GateState {
  if (!isTaskEvent(event)) return state;
  if (event.type === "task.completed" && event.task_id === "resolve") {
    const target = ResolvedTarget.parse(event.output);
    return { ...state, target, phase: "checking", outstanding: selectedChecks(state.input).map((id) => checkTaskId(id, 1)) };
  }
  if (event.task_id.startsWith("check-")) return onCheck(state, event);
  if (event.task_id === "autofix") return onAutofix(state, event);
  return state;
}

/** Commands on entering a phase: what the event just led to. */
function enter(state: GateState): Command[] {
  const target = state.target as ResolvedTarget;
  switch (state.phase) {
    case "checking":
      return selectedChecks(state.input).map((id) => checkTask(state, target, id, 1));
    case "fixing":
      return [{ type: "dispatch", task_id: "autofix", role: "coder", kind: GateKind.Autofix, input: { target, timeout_ms: state.input.check_timeout_ms }, timeout_ms: state.input.check_timeout_ms + CHECK_GRACE_MS }];
    case "rechecking":
      return [checkTask(state, target, "lint", 2)];
    case "reporting":
      if (target.pr_number === undefined) return [{ type: "complete", result: state.result }];
      return [{ type: "dispatch", task_id: "report", role: "merger", kind: GateKind.Report, input: { target, workflow_id: state.workflow_id, result: state.result }, timeout_ms: 60_000 }];
    default:
      return [];
  }
}

function decide(state: GateState, event: WorkflowEvent): Command[] {
  if (event.type === "started") {
    const { repo, branch, pr_number, base } = state.input;
    return [{ type: "dispatch", task_id: "resolve", role: "merger", kind: GateKind.Resolve, input: { repo, branch, pr_number, base }, timeout_ms: RESOLVE_TIMEOUT_MS }];
  }
  if (!isTaskEvent(event)) return [];
  if (event.task_id === "resolve") return event.type === "task.failed" ? [{ type: "fail", error: event.error }] : enter(state);
  // A failed report is in the history; the gate's verdict stands.
  if (event.task_id === "report") return [{ type: "complete", result: state.result }];
  if (event.task_id.startsWith("check-") && state.outstanding.length > 0) return [];
  return enter(state);
}

/** The quality-gate workflow. */
export const qualityGate: Workflow<QualityGateInput, GateState> = {
  type: "quality-gate",
  version: 1,
  input: QualityGateInput,
  initial: (input, ctx) => ({ workflow_id: ctx.id, input, phase: "resolving", outcomes: {}, outstanding: [] }),
  evolve,
  decide,
};
