/**
 * incident-swarm's evolve: each event folded into the state, with a timeline entry. The
 * consensus is taken once every diagnoser has answered or failed (after the model's grouping
 * of equivalent causes when `model_equivalence` is set); the reason for the manual
 * path (auto_fix off, confidence under the threshold, no cause, no fix, failing tests) is
 * decided here, so that decide only reads it.
 */
import type { ErrorInfo } from "../../../protocol/errors.ts";
import type { Diagnosis, IncidentContext } from "../../../protocol/incident.ts";
import type { FixOutput, GroupCausesOutput } from "../../../protocol/incident-swarm.ts";
import type { CheckOutcome } from "../../../protocol/quality-gate.ts";
import type { WorkflowEvent } from "../decider.ts";
import { consensusOf } from "./incident-consensus.ts";
import type { IncidentState, IncidentTask } from "./incident-state.ts";

type Settled = Extract<WorkflowEvent<IncidentTask>, { type: "task.completed" | "task.failed" }>;

function note(s: IncidentState, at: number, text: string): IncidentState {
  return { ...s, timeline: [...s.timeline, { at, text }] };
}

/**
 * Once every diagnoser has settled: the model is asked which causes are equivalent when the
 * input wants it and two or more answered (decide dispatches `group-causes`), else the
 * consensus is taken with the rule's groups.
 */
function withConsensus(s: IncidentState, at: number): IncidentState {
  if (s.diagnoses.length + s.missing.length < s.agents.length) return s;
  if (s.input.model_equivalence === true && s.diagnoses.length >= 2)
    return note(
      { ...s, grouping: "asked" },
      at,
      `the diagnoser's model is asked which of the ${s.diagnoses.length} causes are equivalent`,
    );
  return agreed(s, at);
}

/** The consensus of the diagnoses, grouped as `groups` (agent names) or by the rule, and the manual path's reason. */
function agreed(s: IncidentState, at: number, groups?: string[][]): IncidentState {
  const consensus = consensusOf(s.diagnoses, s.missing, groups);
  const { auto_fix, confidence_threshold } = s.input;
  const manual = !auto_fix
    ? "auto_fix is off"
    : consensus.category === "unknown"
      ? "no cause was found"
      : consensus.confidence < confidence_threshold
        ? `confidence ${consensus.confidence.toFixed(2)} is below the threshold ${confidence_threshold.toFixed(2)}`
        : undefined;
  const next = { ...s, consensus, ...(manual ? { manual_reason: manual } : {}) };
  return note(
    next,
    at,
    `consensus (${consensus.rule}): ${consensus.root_cause}, confidence ${consensus.confidence.toFixed(2)}`,
  );
}

/** The model's groups of equivalent causes, or the rule's when it gave none (a failure is noted, never fatal). */
function onGroups(s: IncidentState, e: Settled): IncidentState {
  if (e.type === "task.failed") {
    const failed = `the model could not judge which causes are equivalent (${failedText(e.error)}): grouped by category and cause`;
    return agreed(note({ ...s, grouping: "rules" }, e.at, failed), e.at);
  }
  const { groups } = e.output as GroupCausesOutput;
  const words = groups.map((g) => `${g.agents.join(" + ")} (${g.reason.slice(0, 200)})`).join("; ");
  const next = note({ ...s, grouping: "model" }, e.at, `the model grouped the causes: ${words}`);
  return agreed(
    next,
    e.at,
    groups.map((g) => g.agents),
  );
}

function onDiagnosis(s: IncidentState, e: Settled): IncidentState {
  const agent = s.agents[Number(e.task_id.slice("diagnose-".length)) - 1] ?? e.task_id;
  if (e.type === "task.failed") {
    const next = note({ ...s, missing: [...s.missing, agent] }, e.at, `${agent} gave no diagnosis: ${e.error.code}`);
    return withConsensus(next, e.at);
  }
  const d = e.output as Diagnosis;
  const next = note(
    { ...s, diagnoses: [...s.diagnoses, { ...d, agent }] },
    e.at,
    `${agent} (${d.method}): ${d.root_cause}, confidence ${d.confidence.toFixed(2)}`,
  );
  return withConsensus(next, e.at);
}

function failedText(error: ErrorInfo): string {
  return `${error.code} ${error.message}`.slice(0, 300);
}

/** The settings a catalogue fix changed, or the files a model-written fix changed. */
function fixWords(fix: FixOutput): string {
  if (fix.changes.length === 0) return `the model's change to ${fix.files_changed.join(", ")}`;
  return fix.changes.map((c) => `${c.setting} ${c.from}→${c.to}`).join(", ");
}

function onFixTests(s: IncidentState, e: Settled): IncidentState {
  if (e.type === "task.failed")
    return note(
      { ...s, manual_reason: `the fix's tests could not run: ${failedText(e.error)}` },
      e.at,
      "the fix's tests could not run",
    );
  const outcome = e.output as CheckOutcome;
  if (outcome.status === "passed") return note(s, e.at, `the fix's tests passed: ${outcome.summary}`);
  return note(
    { ...s, manual_reason: `the fix's tests did not pass: ${outcome.summary}` },
    e.at,
    `the fix's tests did not pass: ${outcome.summary}`,
  );
}

function onMergeSteps(s: IncidentState, e: Settled): IncidentState {
  const out = e.type === "task.completed" ? (e.output as Record<string, unknown>) : undefined;
  if (e.type === "task.failed") return note(s, e.at, `${e.task_id} failed: ${failedText(e.error)}`);
  if (e.task_id === "open-pr") {
    const approval = s.input.auto_merge_severities.includes(s.input.alert.severity) ? "auto" : "waiting";
    return note(
      { ...s, pr: { number: out?.number as number, url: out?.url as string }, approval },
      e.at,
      `hotfix PR opened: ${String(out?.url)}`,
    );
  }
  if (e.task_id === "merge")
    return note(
      { ...s, merge_sha: out?.merge_commit_sha as string },
      e.at,
      `hotfix merged as ${String(out?.merge_commit_sha).slice(0, 8)}`,
    );
  if (e.task_id === "verify") {
    const failed = out?.declared === true && out.passed === false;
    return note(
      { ...s, ...(failed ? { revert_needed: true } : {}) },
      e.at,
      failed ? `verification failed: ${String(out.command)}` : "verification passed",
    );
  }
  if (e.task_id === "revert")
    return note({ ...s, rollback: `reverted in ${String(out?.url)}` }, e.at, `hotfix reverted: ${String(out?.url)}`);
  return s;
}

function onTask(s: IncidentState, e: Settled): IncidentState {
  const ok = e.type === "task.completed";
  if (e.task_id === "gather") {
    if (!ok) return note({ ...s, failure: e.error }, e.at, `context could not be gathered: ${failedText(e.error)}`);
    const c = e.output as IncidentContext;
    const reached = c.sources.filter((x) => x.status === "ok").map((x) => x.source);
    return note(
      { ...s, context: c },
      e.at,
      `context gathered: ${Object.keys(c.metrics).length} metrics, ${c.logs.length} log lines, ${c.changes.length} recent changes (sources: ${reached.join(", ") || "the alert"})`,
    );
  }
  if (e.task_id.startsWith("diagnose-")) return onDiagnosis(s, e);
  if (e.task_id === "group-causes") return onGroups(s, e);
  if (e.task_id === "fix") {
    if (!ok)
      return note(
        { ...s, manual_reason: `no fix could be made: ${failedText(e.error)}` },
        e.at,
        `no fix: ${e.error.code}`,
      );
    const fix = e.output as FixOutput;
    return note({ ...s, fix }, e.at, `fix committed on ${fix.branch}: ${fixWords(fix)}`);
  }
  if (e.task_id === "fix-tests") return onFixTests(s, e);
  if (e.task_id === "open-issue")
    return ok
      ? note(
          { ...s, issue: e.output as { number: number; url: string } },
          e.at,
          `manual issue opened: ${(e.output as { url: string }).url}`,
        )
      : note(s, e.at, `the issue could not be opened: ${failedText(e.error)}`);
  if (e.task_id === "postmortem")
    return ok ? { ...s, postmortem_url: (e.output as { url: string }).url } : { ...s, postmortem_url: null };
  return onMergeSteps(s, e);
}

function onApproval(s: IncidentState, e: WorkflowEvent<IncidentTask>): IncidentState {
  if (s.approval !== "waiting") return s;
  if (e.type === "signal" && e.name === "approve")
    return note({ ...s, approval: "approved", trigger: "merge" }, e.at, "hotfix approved");
  if (e.type === "signal" && e.name === "reject")
    return note({ ...s, approval: "rejected", trigger: "postmortem" }, e.at, "hotfix rejected: not merged");
  if (e.type === "timer.fired")
    return note({ ...s, approval: "timed_out", trigger: "postmortem" }, e.at, "no approval in time: not merged");
  return s;
}

/** Folds one event into the state. */
export function evolveIncident(state: IncidentState, event: WorkflowEvent<IncidentTask>): IncidentState {
  const { trigger: _previous, ...s } = state;
  if (event.type === "task.completed" || event.type === "task.failed") return onTask(s, event);
  if (event.type === "signal" || event.type === "timer.fired") return onApproval(s, event);
  if (event.type === "started") return note(s, event.at, `incident-swarm started with ${s.agents.length} diagnosers`);
  return s;
}
