/**
 * `plan-patch-pr`: the architect writes a design (with a repository map), the planner splits
 * it into issues (a DAG; a bad plan goes back once with its error), coders patch the issues in
 * parallel (an issue starts once the issues it depends on are merged), the merger merges each
 * task branch into `feature/<slug>` or `bugfix/<slug>` (a conflict goes to a coder), the
 * quality gate runs as a child (one coder round when it does not pass), the merger opens the
 * PR and merges it when asked and allowed. A failure after branches exist compensates: the PR
 * is closed and the branches deleted, unless `keep_on_failure`.
 */
import { CodePatchTasks } from "../../../protocol/code-patch.ts";
import { branchName } from "../../../protocol/branch-name.ts";
import { PlanPatchInput, PlanPatchTasks, type PlanIssue } from "../../../protocol/plan-patch-pr.ts";
import type { QualityGateResult } from "../../../protocol/quality-gate.ts";
import { compensation, dispatch, type Command, type Workflow, type WorkflowEvent } from "../decider.ts";
import {
  APPROVAL_TIMER,
  GATE_FIX,
  planPatchResult,
  type PlanPatchState,
  type PlanPatchTask,
} from "./plan-patch-state.ts";
import { evolvePlanPatch } from "./plan-patch-evolve.ts";
import { gateFixInstructions, issueInstructions, prBody } from "./plan-patch-texts.ts";

type Commands = Command<PlanPatchTask>[];

const CODER_TIMEOUT_MS = 1_800_000;

/** The feature or bugfix branch of the run (known once the design says which). */
export function featureBranch(s: PlanPatchState): string {
  return branchName(s.design?.design.kind ?? "feature", s.input.requirement);
}
const taskBranch = (s: PlanPatchState, issueId: string) => `patchbay/${s.id}/${issueId}`;

/** Undoing a step that created `branches` (none with keep_on_failure). */
function cleanup(s: PlanPatchState, branches: string[]) {
  if (s.input.keep_on_failure) return {};
  const input = { repo: s.input.repo, branches, reason: "the workflow failed" };
  return { compensation: compensation(PlanPatchTasks.cleanup, input) };
}

function design(s: PlanPatchState): Commands {
  return [
    dispatch(PlanPatchTasks.design, "design", {
      repo: s.input.repo,
      base: s.input.base,
      requirement: s.input.requirement,
    }),
  ];
}

function plan(s: PlanPatchState): Commands {
  const input = {
    requirement: s.input.requirement,
    design: s.design?.design as NonNullable<typeof s.design>["design"],
  };
  const retry = s.plan_error ? { previous_error: s.plan_error } : {};
  return [dispatch(PlanPatchTasks.issues, `issues-${s.plan_attempts + 1}`, { ...input, ...retry })];
}

function patch(s: PlanPatchState, issueId: string, instructions: string): Commands {
  const branch = taskBranch(s, issueId);
  const base = s.feature_sha ? featureBranch(s) : s.input.base;
  const input = { repo: s.input.repo, base, branch, instructions, max_steps: s.input.max_steps };
  const opts = { timeout_ms: CODER_TIMEOUT_MS, max_attempts: 2, ...cleanup(s, [branch]) };
  return [dispatch(CodePatchTasks.patch, `patch-${issueId}`, input, opts)];
}

function integrateInput(s: PlanPatchState, issueId: string) {
  const out = s.patches[issueId];
  return {
    repo: s.input.repo,
    base: s.input.base,
    feature_branch: featureBranch(s),
    ...(s.feature_sha ? { feature_sha: s.feature_sha } : {}),
    issue_id: issueId,
    task_branch: out?.branch ?? taskBranch(s, issueId),
    task_sha: out?.commit_sha ?? "",
  };
}

function integrate(s: PlanPatchState, issueId: string): Commands {
  const first = s.feature_sha === undefined ? cleanup(s, [featureBranch(s)]) : {};
  return [dispatch(PlanPatchTasks.integrate, `integrate-${issueId}`, integrateInput(s, issueId), first)];
}

function resolve(s: PlanPatchState, issueId: string): Commands {
  const input = {
    ...integrateInput(s, issueId),
    conflicts: s.conflict ?? [],
    requirement: s.input.requirement,
    max_steps: s.input.max_steps,
  };
  return [dispatch(PlanPatchTasks.resolve, `resolve-${issueId}`, input, { timeout_ms: CODER_TIMEOUT_MS })];
}

function gate(s: PlanPatchState): Commands {
  const input = { repo: s.input.repo, branch: featureBranch(s), base: s.input.base };
  return [{ type: "start_child", child_id: `${s.id}-gate-${s.gate_runs + 1}`, workflow_type: "quality-gate", input }];
}

function openPr(s: PlanPatchState): Commands {
  const kind = s.design?.design.kind ?? "feature";
  const pr = {
    repo: s.input.repo,
    head: featureBranch(s),
    base: s.input.base,
    title: `${kind}: ${s.design?.design.title ?? s.input.requirement.split("\n")[0]}`,
    body: prBody(s),
    labels: ["automated", kind],
  };
  return [dispatch(PlanPatchTasks.openPr, "open-pr", pr, cleanup(s, [featureBranch(s)]))];
}

function mergeOrEnd(s: PlanPatchState): Commands {
  if (s.gate?.can_merge && s.pr)
    return [dispatch(PlanPatchTasks.merge, "merge", { repo: s.input.repo, number: s.pr.number })];
  return complete(s);
}

const complete = (s: PlanPatchState): Commands => [{ type: "complete", result: planPatchResult(s, featureBranch(s)) }];

function failed(s: PlanPatchState): Commands {
  const error = s.failure as NonNullable<PlanPatchState["failure"]>;
  return s.input.keep_on_failure ? [{ type: "fail", error }] : [{ type: "compensate", error }];
}

/** Patches for the issues just started, and the merge of the issue just queued. */
function scheduled(s: PlanPatchState): Commands {
  const issues = new Map((s.issues ?? []).map((i): [string, PlanIssue] => [i.id, i]));
  const patches = s.just_started.flatMap((id) => patch(s, id, issueInstructions(s, issues.get(id) as PlanIssue)));
  return [...patches, ...(s.just_integrating ? integrate(s, s.just_integrating) : [])];
}

function afterMerged(s: PlanPatchState, issueId: string): Commands {
  const all = (s.issues ?? []).every((i) => s.merged.includes(i.id));
  const gateNow = all && s.integrating === undefined && (s.gate_runs === 0 || issueId === GATE_FIX);
  return [...scheduled(s), ...(gateNow ? gate(s) : [])];
}

function afterTask(s: PlanPatchState, taskId: string): Commands {
  if (s.failure) return failed(s);
  if (taskId === "design" || (taskId.startsWith("issues-") && !s.issues)) return plan(s);
  if (taskId.startsWith("issues-") || taskId.startsWith("patch-")) return scheduled(s);
  const issueId = taskId.slice(taskId.indexOf("-") + 1);
  if (taskId.startsWith("integrate-") && s.conflict) return resolve(s, issueId);
  if (taskId.startsWith("integrate-") || taskId.startsWith("resolve-")) return afterMerged(s, issueId);
  if (taskId === "open-pr") {
    if (s.approval === "waiting")
      return [{ type: "schedule", timer_id: APPROVAL_TIMER, after_ms: s.input.approval_timeout_ms }];
    return s.input.auto_merge ? mergeOrEnd(s) : complete(s);
  }
  return complete(s);
}

function afterGate(s: PlanPatchState): Commands {
  if (s.failure) return failed(s);
  const result = s.gate as QualityGateResult;
  if (!result.can_merge && s.gate_runs === 1) return patch(s, GATE_FIX, gateFixInstructions(s, result));
  return openPr(s);
}

function decide(s: PlanPatchState, event: WorkflowEvent<PlanPatchTask>): Commands {
  switch (event.type) {
    case "started":
      return design(s);
    case "task.completed":
    case "task.failed":
      return afterTask(s, event.task_id);
    case "child.completed":
    case "child.failed":
      return afterGate(s);
    case "signal":
    case "timer.fired": {
      const stop: Commands =
        event.type === "signal" && s.trigger ? [{ type: "cancel_timer", timer_id: APPROVAL_TIMER }] : [];
      if (s.trigger === "merge") return [...stop, ...mergeOrEnd(s)];
      return s.trigger === "end" ? [...stop, ...complete(s)] : [];
    }
    default:
      return [];
  }
}

/** The plan-patch-pr workflow. */
export const planPatchPr: Workflow<PlanPatchInput, PlanPatchState, PlanPatchTask> = {
  type: "plan-patch-pr",
  version: 1,
  input: PlanPatchInput,
  tasks: [...Object.values(PlanPatchTasks), CodePatchTasks.patch],
  initial: (input, ctx) => ({
    input,
    id: ctx.id,
    plan_attempts: 0,
    started: [],
    patches: {},
    queue: [],
    merged: [],
    feature_files: [],
    gate_runs: 0,
    usage: { input_tokens: 0, output_tokens: 0, requests: 0, cost_usd: 0 },
    just_started: [],
  }),
  evolve: evolvePlanPatch,
  decide,
};
