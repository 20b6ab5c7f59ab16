/**
 * The life of a pending task in the saga record: an actor's start (the start-to-close clock),
 * its result (only the pending attempt's counts; the output parsed by its contract), and its
 * deadline (queued too long: QUEUE_TIMEOUT; ran too long: the next attempt, or TASK_TIMEOUT).
 * Results of compensations and of siblings still in flight while compensating go to
 * compensation.ts.
 */
import { parseTaskOutput, type AnyTaskContract } from "../../protocol/contract.ts";
import { ErrorCode, ensureError, type ErrorInfo } from "../../protocol/errors.ts";
import type { EventMessage } from "../../protocol/event.ts";
import type { PendingTask, SagaRecord } from "../../protocol/saga.ts";
import { cancelMessage } from "../../protocol/task.ts";
import { addTaskUsage } from "./budget.ts";
import { onCompensationResult, onInflightSettled } from "./compensation.ts";
import type { AnyWorkflow, WorkflowEvent } from "./decider.ts";
import { markStarted, sendTask, specOf, taskTimerId } from "./record.ts";
import { taskContract } from "./registry.ts";
import type { EventInput, Step } from "./step.ts";

type StartedData = Extract<EventMessage, { type: "task.started/v1" }>["data"];

/** An actor started the pending attempt (or a later delivery of it did): the clock starts there. */
export function onTaskStarted(rec: SagaRecord, data: StartedData): boolean {
  const task = rec.pending[data.task_id];
  if (!task || task.attempt !== data.attempt) return false;
  if (task.started && task.started.delivery >= data.delivery) return false;
  markStarted(rec, data.task_id, { at: data.at, seq: data.seq, delivery: data.delivery, runner: data.runner });
  return true;
}

/** A result of the pending attempt; results of other attempts change nothing. */
export function onTaskResult(rec: SagaRecord, step: Step, input: EventInput): boolean {
  const ev = input.event as Extract<EventMessage, { type: "task.completed/v1" | "task.failed/v1" }>;
  const { task_id } = ev.data;
  const task = rec.pending[task_id];
  if (!task || task.attempt !== ev.data.attempt) return false;
  delete rec.pending[task_id];
  delete rec.timers[taskTimerId(task_id, task.attempt)];
  const event = taskEvent(step.wf, task_id, task, input);
  if (input.event.type === "task.completed/v1") addTaskUsage(rec, input.event.data.output);
  settle(rec, step, task_id, task, event);
  return true;
}

/** Hands a settled task to whoever waits for it: compensation, or the decider. */
function settle(rec: SagaRecord, step: Step, taskId: string, task: PendingTask, event: WorkflowEvent): void {
  const error = event.type === "task.failed" ? event.error : undefined;
  if (task.compensates) return onCompensationResult(rec, step.entries, task.compensates, error, event.at);
  if (task.abandoned) return onInflightSettled(rec, step.entries, taskId, task, error, event.at);
  if (rec.status !== "running") return;
  if (event.type === "task.completed" && task.compensation)
    rec.steps.push({ task_id: taskId, compensation: task.compensation });
  step.consult(rec, event);
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
  if (!contract) {
    return failure({
      code: ErrorCode.InvalidOutput,
      message: `no contract for ${task.role}/${task.kind} in this workflow's definition`,
    });
  }
  return completionEvent(contract, taskId, at, raw);
}

/**
 * A completion of a task of `contract` as a decider sees it: the output parsed by the contract,
 * or `task.failed` INVALID_OUTPUT naming the field. The coordinator and the workflow-spec kit
 * both hand deciders their results through it.
 */
export function completionEvent(contract: AnyTaskContract, taskId: string, at: number, raw: unknown): WorkflowEvent {
  try {
    return { type: "task.completed", at, task_id: taskId, kind: contract.kind, output: parseTaskOutput(contract, raw) };
  } catch (err) {
    return { type: "task.failed", at, task_id: taskId, kind: contract.kind, error: ensureError(err).toInfo() };
  }
}

/**
 * The deadline of the pending attempt passed. Never started: QUEUE_TIMEOUT (a copy would wait
 * in the same queue). Started and still running: the attempt is told to stop and the next one
 * is dispatched, or after the last one TASK_TIMEOUT.
 */
export function onTaskDeadline(rec: SagaRecord, step: Step, timerId: string, at: number): boolean {
  const taskId = timerId.slice("task/".length, timerId.lastIndexOf("/"));
  const task = rec.pending[taskId];
  if (!task || taskTimerId(taskId, task.attempt) !== timerId) return false;
  if (task.started && task.attempt < task.max_attempts && !task.abandoned) {
    rec.outbox.push(cancelMessage(rec.id, rec.run, { task_id: taskId, attempt: task.attempt }));
    sendTask(rec, taskId, { ...specOf(task), attempt: task.attempt + 1 }, at);
    step.entries.push({
      step: "redispatched",
      text: `${taskId} ran past ${task.timeout_ms} ms on ${task.started.runner}, attempt ${task.attempt + 1}`,
      data: { task_id: taskId, role: task.role, kind: task.kind, attempt: task.attempt + 1 },
    });
    return true;
  }
  delete rec.pending[taskId];
  const error = deadlineError(taskId, task);
  step.entries.push({
    step: task.started ? "task.timeout" : "task.queue_timeout",
    text: error.message,
    data: { task_id: taskId, attempt: task.attempt },
  });
  settle(rec, step, taskId, task, { type: "task.failed", at, task_id: taskId, kind: task.kind, error });
  return true;
}

function deadlineError(taskId: string, task: PendingTask): ErrorInfo {
  if (!task.started) {
    return {
      code: ErrorCode.QueueTimeout,
      message: `task ${taskId} (${task.role}/${task.kind}) was not started within ${task.queue_timeout_ms} ms`,
    };
  }
  return {
    code: ErrorCode.TaskTimeout,
    message: `task ${taskId} (${task.kind}) timed out after ${task.attempt} attempts of ${task.timeout_ms} ms`,
  };
}
