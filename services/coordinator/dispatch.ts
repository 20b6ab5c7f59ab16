/**
 * A decider's dispatch, checked against its contract before it is sent: the kind must be one
 * the workflow lists, for the contract's role, and the inputs (the task's and its
 * compensation's) must parse; they are stored parsed. A decider that breaks its own contracts
 * fails its workflow with DECIDER_ERROR naming the field.
 */
import { parseTaskInput, type AnyTaskContract } from "../../protocol/contract.ts";
import { ErrorCode, ensureError } from "../../protocol/errors.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import type { AnyWorkflow, Dispatch } from "./decider.ts";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_QUEUE_TIMEOUT_MS,
  DEFAULT_TASK_TIMEOUT_MS,
  MIN_QUEUE_TIMEOUT_MS,
  finish,
  sendTask,
  type TaskSpec,
} from "./record.ts";
import { budgetRefusal } from "./budget.ts";
import { beginCompensation, needsCompensation } from "./compensation.ts";
import { taskContract } from "./registry.ts";
import type { Step } from "./step.ts";

/** Sends a dispatch, or fails the workflow with DECIDER_ERROR when it breaks its contract. */
export function runDispatch(rec: SagaRecord, step: Step, cmd: Dispatch, at: number): void {
  const refusal = budgetRefusal(rec, cmd.task_id);
  if (refusal !== undefined) {
    // A spent budget undoes what the workflow did, like any failure after completed steps.
    if (needsCompensation(rec)) return beginCompensation(rec, step.entries, refusal, at);
    return finish(rec, step.entries, at, "failed", { error: refusal });
  }
  try {
    sendTask(rec, cmd.task_id, dispatchedSpec(step.wf as AnyWorkflow, cmd), at);
    step.entries.push({
      step: "scheduled",
      text: `${cmd.task_id} → ${cmd.role}/${cmd.kind}`,
      data: { task_id: cmd.task_id, role: cmd.role, kind: cmd.kind, attempt: 1 },
    });
  } catch (err) {
    const error = { code: ErrorCode.DeciderError, message: `dispatch of ${cmd.task_id}: ${ensureError(err).message}` };
    finish(rec, step.entries, at, "failed", { error });
  }
}

/** The pending-task entry of a dispatch, its inputs parsed by their contracts. */
function dispatchedSpec(wf: AnyWorkflow, cmd: Dispatch): TaskSpec {
  const compensation = cmd.compensation && {
    ...cmd.compensation,
    input: parseTaskInput(contractOf(wf, cmd.compensation), cmd.compensation.input),
  };
  const queueTimeout = cmd.queue_timeout_ms ?? DEFAULT_QUEUE_TIMEOUT_MS;
  if (queueTimeout < MIN_QUEUE_TIMEOUT_MS)
    throw new Error(`queue_timeout_ms must be at least ${MIN_QUEUE_TIMEOUT_MS}, got ${queueTimeout}`);
  return {
    role: cmd.role,
    kind: cmd.kind,
    input: parseTaskInput(contractOf(wf, cmd), cmd.input),
    attempt: 1,
    max_attempts: cmd.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
    timeout_ms: cmd.timeout_ms ?? DEFAULT_TASK_TIMEOUT_MS,
    queue_timeout_ms: queueTimeout,
    ...(compensation ? { compensation } : {}),
  };
}

function contractOf(wf: AnyWorkflow, task: { role: string; kind: string }): AnyTaskContract {
  const contract = taskContract(wf, task.kind);
  if (!contract || contract.role !== task.role) {
    throw new Error(`${task.role}/${task.kind} is not among the tasks of ${wf.type} v${wf.version}`);
  }
  return contract;
}
