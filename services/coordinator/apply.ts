/**
 * Folding one input into a saga record: the pure heart of the coordinator. It consults the
 * workflow's decider, turns commands into outbox messages, and runs the generic parts every
 * saga shares (task deadlines, cancel, compensation in reverse order, children, reset).
 */
import { parseOrThrow } from "../../protocol/codec.ts";
import { parseTaskInput, parseTaskOutput, type AnyTaskContract } from "../../protocol/contract.ts";
import { ErrorCode, ensureError, type ErrorInfo } from "../../protocol/errors.ts";
import type { EventMessage, LogEntry } from "../../protocol/event.ts";
import { TERMINAL, type PendingTask, type SagaRecord } from "../../protocol/saga.ts";
import { cancelMessage } from "../../protocol/task.ts";
import { startMessage, type ParentRef } from "../../protocol/workflow.ts";
import { beginCompensation, onCompensationResult } from "./compensation.ts";
import type { AnyWorkflow, Command, Dispatch, WorkflowEvent } from "./decider.ts";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TASK_TIMEOUT_MS,
  armTimer,
  cancelChildren,
  draftOf,
  dueTimers,
  finish,
  markSeen,
  sendTask,
  taskTimerId,
  writeLog,
} from "./record.ts";
import { taskContract, type WorkflowRegistry } from "./registry.ts";

/** A start as the coordinator applies it (id and time already assigned). */
export interface StartInput {
  kind: "start";
  id: string;
  type: string;
  input: unknown;
  parent?: ParentRef;
  at: number;
  trace?: string;
}

/** An event from the HISTORY stream; `error` comes from its headers. */
export interface EventInput {
  kind: "event";
  event: EventMessage;
  error?: ErrorInfo;
}

/** A reset: the inputs of the first N history entries, replayed as run + 1. */
export interface ResetInput {
  kind: "reset";
  signal_id: string;
  event: number;
  at: number;
  replay: Array<StartInput | EventInput>;
}

/** A message of this workflow that could not be decoded: the workflow fails with its error. */
export interface PoisonInput {
  kind: "poison";
  at: number;
  error: ErrorInfo;
}

/** Everything the coordinator folds into a saga. */
export type SagaInput = StartInput | EventInput | ResetInput | PoisonInput;

/** Context of one step: entries collected for the log, and whether run checks apply. */
interface Step {
  wf: AnyWorkflow | undefined;
  entries: LogEntry[];
  replaying: boolean;
}

/** Creates the record of a new workflow (failed at once on an unknown type or invalid input). */
export function startSaga(registry: WorkflowRegistry, start: StartInput, version?: number): SagaRecord {
  const wf = registry.get(start.type, version);
  const rec = newRecord(start, wf?.version ?? 0);
  const step: Step = {
    wf,
    entries: [{ step: "started", text: `${start.type} started`, data: { input: start.input } }],
    replaying: false,
  };
  if (!wf) {
    finish(rec, step.entries, start.at, "failed", {
      error: { code: ErrorCode.UnknownWorkflowType, message: `unknown workflow type '${start.type}'` },
    });
    return flushLog(rec, step, start.at);
  }
  try {
    rec.input = parseOrThrow(start.input, wf.input, ErrorCode.InvalidInput);
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
  const step: Step = { wf: registry.get(rec.type, rec.version), entries: [], replaying };
  const changed = applyEvent(draft, step, input);
  if (!changed) return undefined;
  draft.updated_at = data.at;
  return flushLog(draft, step, data.at);
}

function applyPoison(rec: SagaRecord, input: PoisonInput): SagaRecord | undefined {
  if (TERMINAL.has(rec.status)) return undefined;
  const draft = draftOf(rec);
  const step: Step = { wf: undefined, entries: [], replaying: false };
  finish(draft, step.entries, input.at, "failed", { error: input.error });
  return flushLog(draft, step, input.at);
}

function applyEvent(rec: SagaRecord, step: Step, input: EventInput): boolean {
  const ev = input.event;
  switch (ev.type) {
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

function onTaskResult(rec: SagaRecord, step: Step, input: EventInput): boolean {
  const ev = input.event as Extract<EventMessage, { type: "task.completed/v1" | "task.failed/v1" }>;
  const { task_id, at } = ev.data;
  const task = rec.pending[task_id];
  if (!task) return false;
  delete rec.pending[task_id];
  delete rec.timers[taskTimerId(task_id, task.attempt)];
  const event = taskEvent(step.wf, task_id, task, input);
  if (task.compensates) {
    onCompensationResult(
      rec,
      step.entries,
      task.compensates,
      event.type === "task.failed" ? event.error : undefined,
      at,
    );
    return true;
  }
  if (rec.status !== "running") return true;
  if (event.type === "task.completed" && task.compensation)
    rec.steps.push({ task_id, compensation: task.compensation });
  consult(rec, step, event);
  return true;
}

/** The decider's view of a task result: the output parsed by the task's contract, or the failure. */
function taskEvent(wf: AnyWorkflow | undefined, taskId: string, task: PendingTask, input: EventInput): WorkflowEvent {
  const { at } = input.event.data;
  const failure = (error: ErrorInfo): WorkflowEvent => ({
    type: "task.failed",
    at,
    task_id: taskId,
    kind: task.kind,
    error,
  });
  if (input.event.type === "task.failed/v1")
    return failure(input.error ?? { code: ErrorCode.TaskFailed, message: "task failed" });
  const raw = (input.event as Extract<EventMessage, { type: "task.completed/v1" }>).data.output;
  if (task.compensates) return { type: "task.completed", at, task_id: taskId, kind: task.kind, output: raw };
  const contract = wf && taskContract(wf, task.kind);
  if (!contract)
    return failure({
      code: ErrorCode.InvalidOutput,
      message: `no contract for ${task.role}/${task.kind} in this workflow's definition`,
    });
  try {
    return { type: "task.completed", at, task_id: taskId, kind: task.kind, output: parseTaskOutput(contract, raw) };
  } catch (err) {
    return failure(ensureError(err).toInfo());
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
    if (rec.steps.length > 0) beginCompensation(rec, step.entries, error, data.at);
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

function onTaskDeadline(rec: SagaRecord, step: Step, timerId: string, at: number): boolean {
  const taskId = timerId.slice("task/".length, timerId.lastIndexOf("/"));
  const task = rec.pending[taskId];
  if (!task || taskTimerId(taskId, task.attempt) !== timerId) return false;
  if (task.attempt < task.max_attempts) {
    sendTask(rec, taskId, { ...task, attempt: task.attempt + 1 }, at);
    step.entries.push({ step: "redispatched", text: `${taskId} deadline passed, attempt ${task.attempt + 1}` });
    return true;
  }
  delete rec.pending[taskId];
  const error = {
    code: ErrorCode.TaskTimeout,
    message: `task ${taskId} (${task.kind}) timed out after ${task.attempt} attempts of ${task.timeout_ms} ms`,
  };
  if (task.compensates) {
    onCompensationResult(rec, step.entries, task.compensates, error, at);
    return true;
  }
  step.entries.push({ step: "task.timeout", text: error.message });
  consult(rec, step, { type: "task.failed", at, task_id: taskId, kind: task.kind, error });
  return true;
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
      step.entries.push({ step: "child", text: `child ${cmd.child_id} (${cmd.workflow_type}) started` });
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
      finish(rec, step.entries, at, "failed", { error: cmd.error });
      return;
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
}

/**
 * Sends a dispatch after checking it against its contract: the kind must be one the workflow
 * lists, for the contract's role, and the input must parse (it is stored parsed). A decider that
 * breaks its own contracts fails its workflow with DECIDER_ERROR naming the field.
 */
function runDispatch(rec: SagaRecord, step: Step, cmd: Dispatch, at: number): void {
  try {
    sendTask(rec, cmd.task_id, pendingOf(step.wf as AnyWorkflow, cmd), at);
    step.entries.push({ step: "scheduled", text: `${cmd.task_id} → ${cmd.role}/${cmd.kind}` });
  } catch (err) {
    const error = { code: ErrorCode.DeciderError, message: `dispatch of ${cmd.task_id}: ${ensureError(err).message}` };
    finish(rec, step.entries, at, "failed", { error });
  }
}

/** The pending-task entry of a dispatch, its inputs (and its compensation's) parsed by their contracts. */
function pendingOf(wf: AnyWorkflow, cmd: Dispatch): Omit<PendingTask, "deadline"> {
  const compensation = cmd.compensation && {
    ...cmd.compensation,
    input: parseTaskInput(contractOf(wf, cmd.compensation), cmd.compensation.input),
  };
  return {
    role: cmd.role,
    kind: cmd.kind,
    input: parseTaskInput(contractOf(wf, cmd), cmd.input),
    attempt: 1,
    max_attempts: cmd.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
    timeout_ms: cmd.timeout_ms ?? DEFAULT_TASK_TIMEOUT_MS,
    ...(compensation ? { compensation } : {}),
  };
}

function contractOf(wf: AnyWorkflow, task: { role: string; kind: string }): AnyTaskContract {
  const contract = taskContract(wf, task.kind);
  if (!contract || contract.role !== task.role)
    throw new Error(`${task.role}/${task.kind} is not among the tasks of ${wf.type} v${wf.version}`);
  return contract;
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
  for (const [taskId, task] of Object.entries(replayed.pending)) sendTask(next, taskId, task, input.at);
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
