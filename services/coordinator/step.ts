/** The inputs the coordinator folds into a saga, and the context of one step of that fold. */
import type { ErrorInfo } from "../../protocol/errors.ts";
import type { EventMessage, LogEntry } from "../../protocol/event.ts";
import type { SagaRecord } from "../../protocol/saga.ts";
import type { ParentRef } from "../../protocol/workflow.ts";
import type { AnyWorkflow, WorkflowEvent } from "./decider.ts";

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

/** Context of one step: the definition, entries collected for the log, and how to consult the decider. */
export interface Step {
  wf: AnyWorkflow | undefined;
  entries: LogEntry[];
  /** Set while a reset replays history: run checks are skipped and nothing is logged. */
  replaying: boolean;
  /** Runs the decider on one event and applies its commands. */
  consult(rec: SagaRecord, event: WorkflowEvent): void;
}
