/**
 * Folding one input into a saga record: the pure heart of the coordinator. It consults the
 * workflow's decider, turns commands into outbox messages, and runs the generic parts every
 * saga shares (task deadlines, cancel, compensation in reverse order, children, reset).
 */
import { parseOrThrow } from "../../protocol/codec.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { EventMessage, LogEntry } from "../../protocol/event.ts";
import { TERMINAL, type SagaRecord } from "../../protocol/saga.ts";
import { cancelMessage } from "../../protocol/task.ts";
import { startMessage } from "../../protocol/workflow.ts";
import { beginCompensation, needsCompensation } from "./compensation.ts";
import type { AnyWorkflow, Command, WorkflowEvent } from "./decider.ts";
import { budgetOfInput } from "./budget.ts";
import { runDispatch } from "./dispatch.ts";
import {
  armTimer,
  cancelChildren,
  draftOf,
  dueTimers,
  finish,
  markSeen,
  sendTask,
  specOf,
  writeLog,
} from "./record.ts";
import type { WorkflowRegistry } from "./registry.ts";
import type { EventInput, PoisonInput, ResetInput, SagaInput, StartInput, Step } from "./step.ts";
import { onTaskDeadline, onTaskResult, onTaskStarted } from "./task-lifecycle.ts";

/** A step's context for `wf`: the decider is consulted through it. */
function stepOf(wf: AnyWorkflow | undefined, replaying = false): Step {
  const step: Step = { wf, entries: [], replaying, consult: (rec, event) => consult(rec, step, event) };
  return step;
}

/** Creates the record of a new workflow (failed at once on an unknown type or invalid input). */
export function startSaga(registry: WorkflowRegistry, start: StartInput, version?: number): SagaRecord {
  const wf = registry.get(start.type, version);
  const rec = newRecord(start, wf?.version ?? 0);
  const step = stepOf(wf);
  step.entries.push({ step: "started", text: `${start.type} started`, data: { input: start.input } });
  if (!wf) {
    finish(rec, step.entries, start.at, "failed", {
      error: { code: ErrorCode.UnknownWorkflowType, message: `unknown workflow type '${start.type}'` },
    });
    return flushLog(rec, step, start.at);
  }
  try {
    rec.input = parseOrThrow(start.input, wf.input, ErrorCode.InvalidInput);
    const budget = budgetOfInput(rec.input);
    if (budget !== undefined) rec.budget = budget;
  } catch (err) {
    finish(rec, step.entries, start.at, "failed", {
      error: { code: ErrorCode.InvalidInput, message: `invalid input: ${(err as Error).message}` },
    });
    return flushLog(rec, step, start.at);
  }
  try {
    rec.state = wf.initial(rec.input, { id: start.id, now: start.at });
  } catch (err) {
    finish(rec, step.entries, start.at, "failed", {
      error: { code: ErrorCode.DeciderError, message: `initial() threw: ${(err as Error).message}` },
    });
    return flushLog(rec, step, start.at);
  }
  consult(rec, step, { type: "started", at: start.at, input: rec.input });
  return flushLog(rec, step, start.at);
}

function newRecord(start: StartInput, version: number): SagaRecord {
  return {
    id: start.id,
    type: start.type,
    version,
    run: 1,
    status: "running",
    input: start.input,
    state: undefined,
    created_at: start.at,
    updated_at: start.at,
    ...(start.parent ? { parent: start.parent } : {}),
    ...(start.trace ? { trace: start.trace } : {}),
    pending: {},
    children: {},
    timers: {},
    steps: [],
    seen: [],
    log_count: 0,
    outbox: [],
  };
}

/**
 * Folds one input into `rec`. Returns the new record, or undefined when the input changes
 * nothing (a duplicate, a stale run, or a workflow already ended).
 */
export function applyInput(
  registry: WorkflowRegistry,
  rec: SagaRecord,
  input: Exclude<SagaInput, StartInput>,
  replaying = false,
): SagaRecord | undefined {
  if (input.kind === "reset") return applyReset(registry, rec, input);
  if (input.kind === "poison") return applyPoison(rec, input);
  const data = input.event.data;
  // Run 0 means "whatever run is current" (signals are addressed to a workflow, not a run).
  if (TERMINAL.has(rec.status) || (!replaying && data.run !== 0 && data.run !== rec.run)) return undefined;
  const draft = draftOf(rec);
  const step = stepOf(registry.get(rec.type, rec.version), replaying);
  const changed = applyEvent(draft, step, input);
  if (!changed) return undefined;
  draft.updated_at = data.at;
  return flushLog(draft, step, data.at);
}

function applyPoison(rec: SagaRecord, input: PoisonInput): SagaRecord | undefined {
  if (TERMINAL.has(rec.status)) return undefined;
  const draft = draftOf(rec);
  const step = stepOf(undefined);
  finish(draft, step.entries, input.at, "failed", { error: input.error });
  return flushLog(draft, step, input.at);
}

function applyEvent(rec: SagaRecord, step: Step, input: EventInput): boolean {
  const ev = input.event;
  switch (ev.type) {
    case "task.started/v1":
      return onTaskStarted(rec, ev.data);
    case "task.completed/v1":
    case "task.failed/v1":
      return onTaskResult(rec, step, input);
    case "signal.received/v1":
      return onSignal(rec, step, ev.data);
    case "timer.fired/v1":
      return onWake(rec, step, ev.data.at);
    case "child.completed/v1":
    case "child.failed/v1":
      return onChild(rec, step, input);
    default: {
      const _exhaustive: never = ev;
      return _exhaustive;
    }
  }
}

function onSignal(
  rec: SagaRecord,
  step: Step,
  data: { signal_id: string; name: string; payload?: unknown; at: number },
): boolean {
  if (!markSeen(rec, data.signal_id)) return false;
  step.entries.push({ step: "signal", text: `signal '${data.name}' received` });
  if (rec.status !== "running") return true;
  if (data.name === "cancel") {
    cancelChildren(rec);
    const error = { code: ErrorCode.Cancelled, message: "cancelled by signal" };
    if (needsCompensation(rec)) beginCompensation(rec, step.entries, error, data.at);
    else finish(rec, step.entries, data.at, "cancelled", { error });
    return true;
  }
  consult(rec, step, { type: "signal", at: data.at, name: data.name, payload: data.payload });
  return true;
}

function onWake(rec: SagaRecord, step: Step, at: number): boolean {
  let changed = false;
  for (const timerId of dueTimers(rec, at)) {
    if (!(timerId in rec.timers)) continue;
    changed = onTimer(rec, step, timerId, at) || changed;
  }
  return changed;
}

function onTimer(rec: SagaRecord, step: Step, timerId: string, at: number): boolean {
  delete rec.timers[timerId];
  if (!timerId.startsWith("task/")) {
    if (rec.status !== "running") return true;
    step.entries.push({ step: "timer", text: `timer '${timerId}' fired` });
    consult(rec, step, { type: "timer.fired", at, timer_id: timerId });
    return true;
  }
  return onTaskDeadline(rec, step, timerId, at);
}

function onChild(rec: SagaRecord, step: Step, input: EventInput): boolean {
  const ev = input.event as Extract<EventMessage, { type: "child.completed/v1" | "child.failed/v1" }>;
  const { child_id, at } = ev.data;
  if (!(child_id in rec.children)) return false;
  delete rec.children[child_id];
  if (rec.status !== "running") return true;
  const event: WorkflowEvent =
    ev.type === "child.completed/v1"
      ? { type: "child.completed", at, child_id, result: ev.data.result }
      : {
          type: "child.failed",
          at,
          child_id,
          error: input.error ?? { code: ErrorCode.TaskFailed, message: "child failed" },
        };
  consult(rec, step, event);
  return true;
}

/** Runs the decider on one event and applies its commands; a throwing decider fails the saga. */
function consult(rec: SagaRecord, step: Step, event: WorkflowEvent): void {
  const wf = step.wf;
  if (!wf) {
    const error = { code: ErrorCode.UnknownWorkflowType, message: `no definition for ${rec.type} v${rec.version}` };
    finish(rec, step.entries, event.at, "failed", { error });
    return;
  }
  let commands: Command[];
  try {
    rec.state = wf.evolve(rec.state, event);
    commands = wf.decide(rec.state, event);
  } catch (err) {
    finish(rec, step.entries, event.at, "failed", {
      error: { code: ErrorCode.DeciderError, message: (err as Error).message },
    });
    return;
  }
  for (const cmd of commands) {
    if (rec.status !== "running") break;
    runCommand(rec, step, cmd, event.at);
  }
}

function runCommand(rec: SagaRecord, step: Step, cmd: Command, at: number): void {
  switch (cmd.type) {
    case "dispatch":
      return runDispatch(rec, step, cmd, at);
    case "start_child":
      rec.children[cmd.child_id] = cmd.workflow_type;
      rec.outbox.push(startMessage(cmd.workflow_type, cmd.child_id, cmd.input, { id: rec.id, run: rec.run }));
      step.entries.push({
        step: "child",
        text: `child ${cmd.child_id} (${cmd.workflow_type}) started`,
        data: { child_id: cmd.child_id, type: cmd.workflow_type },
      });
      return;
    case "schedule":
      armTimer(rec, cmd.timer_id, at + cmd.after_ms);
      step.entries.push({ step: "timer", text: `timer '${cmd.timer_id}' set for ${cmd.after_ms} ms` });
      return;
    case "cancel_timer":
      delete rec.timers[cmd.timer_id];
      return;
    case "compensate":
      beginCompensation(rec, step.entries, cmd.error, at);
      return;
    case "complete":
      finish(rec, step.entries, at, "completed", { result: cmd.result });
      return;
    case "fail":
      finish(rec, step.entries, at, "failed", { error: cmd.error, result: cmd.result });
      return;
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
}

function flushLog(rec: SagaRecord, step: Step, at: number): SagaRecord {
  if (!step.replaying) writeLog(rec, step.entries, at, TERMINAL.has(rec.status) ? rec.error : undefined);
  return rec;
}

function applyReset(registry: WorkflowRegistry, rec: SagaRecord, input: ResetInput): SagaRecord | undefined {
  const [first, ...rest] = input.replay;
  if (!first || first.kind !== "start" || rec.seen.includes(input.signal_id)) return undefined;
  let replayed = startSaga(registry, first, rec.version);
  for (const next of rest) if (next.kind === "event") replayed = applyInput(registry, replayed, next, true) ?? replayed;
  const run = rec.run + 1;
  const next: SagaRecord = {
    ...replayed,
    run,
    seen: [...rec.seen],
    outbox: [],
    log_count: 0,
    timers: {},
    pending: {},
    updated_at: input.at,
  };
  if (rec.trace) next.trace = rec.trace;
  markSeen(next, input.signal_id);
  if (Object.keys(rec.pending).length > 0) next.outbox.push(cancelMessage(rec.id, rec.run));
  for (const [taskId, task] of Object.entries(replayed.pending)) sendTask(next, taskId, specOf(task), input.at);
  for (const [timerId, due] of Object.entries(replayed.timers))
    if (!timerId.startsWith("task/")) armTimer(next, timerId, due);
  const entries: LogEntry[] = [
    {
      step: "reset",
      text: `reset to event ${input.event} of run ${rec.run}`,
      data: { from_run: rec.run, event: input.event, replay: input.replay },
    },
  ];
  writeLog(next, entries, input.at);
  return next;
}
