/**
 * `incident-swarm`: context from the alert (diagnoser), N diagnosers in parallel (the offline
 * methods in turn, then `model_diagnosers` with the model method), with `model_equivalence`
 * the diagnoser's model grouping equivalent causes, consensus (pure, incident-consensus.ts), then a fix (coder), its tests (checker) and a hotfix PR
 * (merger) when confidence reaches the threshold and auto_fix is set, or a manual issue; the
 * merge waits for `approve` unless the severity is auto-merged; after a merge the repository's
 * verification runs and a failure is reverted; a postmortem is committed in every case.
 */
import type { ErrorInfo } from "../../../protocol/errors.ts";
import {
  DIAGNOSIS_METHODS,
  IncidentSources,
  type Consensus,
  type DiagnosisMethod,
  type IncidentContext,
} from "../../../protocol/incident.ts";
import { IncidentInput, IncidentTasks, type FixOutput, type IncidentResult } from "../../../protocol/incident-swarm.ts";
import { GateTasks } from "../../../protocol/quality-gate.ts";
import { dispatch, type Command, type Workflow, type WorkflowEvent } from "../decider.ts";
import { consensusOf } from "./incident-consensus.ts";
import type { IncidentState, IncidentTask } from "./incident-state.ts";
import { evolveIncident } from "./incident-evolve.ts";
import { issueBody, postmortemMarkdown, pullRequestBody, type IncidentFacts } from "./incident-texts.ts";

/** The approval deadline's timer. */
export const APPROVAL_TIMER = "approval";
/** Offline methods, given to the first `num_diagnostic_agents` agents in turn. */
const OFFLINE_METHODS = DIAGNOSIS_METHODS.filter((m) => m !== "model");
const DIAGNOSE_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 600_000;
/** The fix's deadline: a catalogue fix takes seconds, the coding agent's beyond it minutes. */
const FIX_TIMEOUT_MS = 1_200_000;

/** The facts the texts are written from. */
export function factsOf(s: IncidentState): IncidentFacts {
  return {
    alert: s.input.alert,
    diagnoses: s.diagnoses,
    timeline: s.timeline,
    merged: s.merge_sha !== undefined,
    ...(s.consensus ? { consensus: s.consensus } : {}),
    ...(s.context ? { context: s.context } : {}),
    ...(s.fix ? { fix: s.fix } : {}),
    ...(s.manual_reason ? { manualReason: s.manual_reason } : {}),
    ...(s.pr ? { prUrl: s.pr.url } : {}),
    ...(s.issue ? { issueUrl: s.issue.url } : {}),
    ...(s.rollback ? { rollback: s.rollback } : {}),
  };
}

const slug = (s: IncidentState) => s.input.alert.id;

/** The i-th agent's method: the offline methods in turn, then `model` for the `model_diagnosers` after them. */
function methodOf(input: IncidentInput, i: number): DiagnosisMethod {
  if (i >= input.num_diagnostic_agents) return "model";
  return OFFLINE_METHODS[i % OFFLINE_METHODS.length] ?? "saturation";
}

function diagnoseAll(s: IncidentState): Command<IncidentTask>[] {
  const context = s.context as IncidentContext;
  return s.agents.map((agent, i) =>
    dispatch(
      IncidentTasks.diagnose,
      `diagnose-${i + 1}`,
      { agent, method: methodOf(s.input, i), context },
      { timeout_ms: DIAGNOSE_TIMEOUT_MS, max_attempts: 1 },
    ),
  );
}

/** Asks the diagnoser's model which of the answered causes are equivalent (model_equivalence). */
function groupCauses(s: IncidentState): Command<IncidentTask>[] {
  return [
    dispatch(
      IncidentTasks.groupCauses,
      "group-causes",
      { alert: s.input.alert, diagnoses: s.diagnoses },
      { timeout_ms: DIAGNOSE_TIMEOUT_MS, max_attempts: 1 },
    ),
  ];
}

function afterConsensus(s: IncidentState): Command<IncidentTask>[] {
  const c = s.consensus as Consensus;
  if (s.manual_reason !== undefined) return openIssue(s);
  const { input } = s;
  return [
    dispatch(
      IncidentTasks.fix,
      "fix",
      {
        repo: input.repo,
        base: input.base,
        branch: `patchbay/hotfix-${slug(s)}`,
        alert: input.alert,
        consensus: c,
        diagnoses: s.diagnoses,
        context: s.context as IncidentContext,
      },
      { timeout_ms: FIX_TIMEOUT_MS },
    ),
  ];
}

function testFix(s: IncidentState): Command<IncidentTask>[] {
  const fix = s.fix as FixOutput;
  const target = {
    repo: s.input.repo,
    branch: fix.branch,
    head_sha: fix.commit_sha,
    base: s.input.base,
    base_sha: fix.base_sha,
  };
  return [
    dispatch(
      GateTasks.check,
      "fix-tests",
      { check: "unit_tests", target, required_coverage: 0, timeout_ms: TEST_TIMEOUT_MS },
      { timeout_ms: TEST_TIMEOUT_MS + 180_000 },
    ),
  ];
}

function openPr(s: IncidentState): Command<IncidentTask>[] {
  const { alert, repo, base } = s.input;
  const fix = s.fix as FixOutput;
  const title = `hotfix(${alert.service}): ${s.consensus?.root_cause ?? alert.message}`;
  const labels = ["hotfix", `severity:${alert.severity}`];
  return [
    dispatch(IncidentTasks.openPr, "open-pr", {
      repo,
      head: fix.branch,
      base,
      title,
      body: pullRequestBody(factsOf(s)),
      labels,
    }),
  ];
}

function openIssue(s: IncidentState): Command<IncidentTask>[] {
  const { alert, repo } = s.input;
  const title = `Incident ${alert.id}: ${alert.message} (manual investigation)`;
  return [
    dispatch(IncidentTasks.openIssue, "open-issue", {
      repo,
      title,
      body: issueBody(factsOf(s)),
      labels: ["incident", `severity:${alert.severity}`],
    }),
  ];
}

function merge(s: IncidentState): Command<IncidentTask>[] {
  return [dispatch(IncidentTasks.merge, "merge", { repo: s.input.repo, number: s.pr?.number ?? 0 })];
}

function mergeOrWait(s: IncidentState): Command<IncidentTask>[] {
  if (s.approval === "auto") return merge(s);
  return [{ type: "schedule", timer_id: APPROVAL_TIMER, after_ms: s.input.approval_timeout_ms }];
}

function writePostmortem(s: IncidentState): Command<IncidentTask>[] {
  const { input } = s;
  const markdown = postmortemMarkdown(factsOf(s));
  return [
    dispatch(IncidentTasks.postmortem, "postmortem", {
      repo: input.repo,
      base: input.base,
      branch: `patchbay/postmortem-${slug(s)}`,
      alert_id: input.alert.id,
      markdown,
    }),
  ];
}

/** The workflow's result once the postmortem is settled. */
export function resultOf(s: IncidentState, at: number): IncidentResult {
  return {
    alert_id: s.input.alert.id,
    consensus: s.consensus ?? consensusOf([], s.agents),
    diagnoses: s.diagnoses,
    fix_applied: s.pr !== undefined,
    hotfix_pr_url: s.pr?.url ?? null,
    issue_url: s.issue?.url ?? null,
    postmortem_url: s.postmortem_url ?? null,
    merged: s.merge_sha !== undefined,
    resolution_time_minutes: Math.round((at - s.started_at) / 6_000) / 10,
    rollback_performed: s.rollback !== undefined,
  };
}

/** What follows a settled task, by its id. */
function afterTask(s: IncidentState, taskId: string, ok: boolean, at: number): Command<IncidentTask>[] {
  if (taskId === "gather") return ok ? diagnoseAll(s) : [{ type: "fail", error: s.failure as ErrorInfo }];
  if (taskId.startsWith("diagnose-") || taskId === "group-causes") {
    if (s.consensus !== undefined) return afterConsensus(s);
    return s.grouping === "asked" && taskId !== "group-causes" ? groupCauses(s) : [];
  }
  if (taskId === "fix") return ok ? testFix(s) : openIssue(s);
  if (taskId === "fix-tests") return s.manual_reason === undefined ? openPr(s) : openIssue(s);
  if (taskId === "open-pr" && ok) return mergeOrWait(s);
  if (taskId === "merge" && ok)
    return [dispatch(IncidentTasks.verify, "verify", { repo: s.input.repo, ref: s.input.base })];
  if (taskId === "verify" && s.revert_needed === true) return revert(s);
  if (taskId === "postmortem") return [{ type: "complete", result: resultOf(s, at) }];
  return writePostmortem(s);
}

function revert(s: IncidentState): Command<IncidentTask>[] {
  const { repo, base, alert } = s.input;
  const input = {
    repo,
    base,
    merge_commit_sha: s.merge_sha ?? "",
    alert_id: alert.id,
    reason: "the verification failed after the merge",
  };
  return [dispatch(IncidentTasks.revert, "revert", input)];
}

/** What a signal or the approval timer started: the merge, or the postmortem without one. */
function afterTrigger(s: IncidentState, event: WorkflowEvent<IncidentTask>): Command<IncidentTask>[] {
  const stopTimer: Command<IncidentTask>[] =
    event.type === "signal" ? [{ type: "cancel_timer", timer_id: APPROVAL_TIMER }] : [];
  if (s.trigger === "merge") return [...stopTimer, ...merge(s)];
  if (s.trigger === "postmortem") return [...stopTimer, ...writePostmortem(s)];
  return [];
}

function decide(s: IncidentState, event: WorkflowEvent<IncidentTask>): Command<IncidentTask>[] {
  if (event.type === "started") {
    const sources = s.input.sources ?? IncidentSources.parse({});
    return [
      dispatch(IncidentTasks.gather, "gather", {
        alert: s.input.alert,
        repo: s.input.repo,
        base: s.input.base,
        sources,
      }),
    ];
  }
  if (event.type === "task.completed" || event.type === "task.failed")
    return afterTask(s, event.task_id, event.type === "task.completed", event.at);
  if (event.type === "signal" || event.type === "timer.fired") return afterTrigger(s, event);
  return [];
}

/** The incident-swarm workflow. */
export const incidentSwarm: Workflow<IncidentInput, IncidentState, IncidentTask> = {
  type: "incident-swarm",
  version: 1,
  input: IncidentInput,
  tasks: [...Object.values(IncidentTasks), GateTasks.check],
  initial: (input, ctx) => ({
    input,
    id: ctx.id,
    started_at: ctx.now,
    timeline: [],
    agents: Array.from({ length: input.num_diagnostic_agents + input.model_diagnosers }, (_, i) => `agent-${i + 1}`),
    diagnoses: [],
    missing: [],
  }),
  evolve: evolveIncident,
  decide,
};
