/**
 * The test kit for workflow authors, after emmett's DeciderSpecification: given/when/then on a
 * decider alone, with no coordinator and no server.
 *
 * ```ts
 * workflowSpec(qualityGate)
 *   .given([started(input), taskCompleted(GateTasks.resolve, "resolve", target)])
 *   .when(taskCompleted(GateTasks.check, "check-lint", outcome))
 *   .then([dispatch(GateTasks.autofix, "autofix", {...})]);
 * ```
 *
 * `given` starts the workflow (the input parsed by its schema, then `initial`) and folds the
 * other events through `evolve`; `when` evolves one more event and runs `decide`; `then`
 * compares the commands (as they would be serialized: `undefined` fields dropped) or hands them
 * and the state to a function. Task outputs are parsed by their contract first, as the
 * coordinator does; an output the contract refuses arrives as `task.failed` INVALID_OUTPUT.
 */
import { deepStrictEqual, fail } from "node:assert/strict";
import type { AnyTaskContract, TaskResult } from "../../protocol/contract.ts";
import type { ErrorInfo } from "../../protocol/errors.ts";
import {
  completionEvent,
  type Command,
  type Workflow,
  type WorkflowEvent,
} from "../../services/coordinator/internal.ts";

/** Workflow id the kit passes to `initial` unless told otherwise. */
export const SPEC_ID = "wf-spec";
/** Start time of the kit's events unless told otherwise (epoch ms). */
export const SPEC_T0 = 1_000_000;

/** An event as a test writes it: task outputs still raw, to be parsed by their contract. */
export type SpecEvent =
  | { type: "started"; at: number; input: unknown }
  | { type: "task.completed.raw"; at: number; task_id: string; contract: AnyTaskContract; output: unknown }
  | Exclude<WorkflowEvent, { type: "started" | "task.completed" }>;

/** What `then` checks: the exact commands, or a function of the commands and the state. */
export type Expectation<S> = readonly Command[] | ((commands: Command[], state: S) => void);

/** A spec after `given`. */
export interface Given<S> {
  /** The state after the given events (undefined when none was given). */
  readonly state: S | undefined;
  when(event: SpecEvent): { then(expected: Expectation<S>): void; thenThrows(message?: RegExp): void };
}

/**
 * Starts a spec of `wf`: `workflowSpec(wf).given([...]).when(event).then(commands)`. The first
 * event, given or `when`, must be `started(input)`.
 */
export function workflowSpec<I, S, T extends AnyTaskContract>(wf: Workflow<I, S, T>, ctx = { id: SPEC_ID }) {
  /** Evolves `state` by one event; a start parses the input and runs `initial` first. */
  const evolve = (state: S | undefined, e: SpecEvent): { state: S; event: WorkflowEvent<T> } => {
    if (e.type === "started") {
      if (state !== undefined) throw new Error("workflowSpec: started twice");
      const input = wf.input.parse(e.input);
      const event = { ...e, input } as WorkflowEvent<T>;
      return { state: wf.evolve(wf.initial(input, { id: ctx.id, now: e.at }), event), event };
    }
    if (state === undefined) throw new Error("workflowSpec: the first event must be started(input)");
    const event = deciderEvent(e) as WorkflowEvent<T>;
    return { state: wf.evolve(state, event), event };
  };
  return {
    given(events: readonly SpecEvent[]): Given<S> {
      let state: S | undefined;
      for (const e of events) state = evolve(state, e).state;
      const after = state;
      return {
        state: after,
        when(event: SpecEvent) {
          const run = () => {
            const next = evolve(after, event);
            return { commands: wf.decide(next.state, next.event) as Command[], state: next.state };
          };
          return {
            then: (expected) => {
              const { commands, state: next } = run();
              if (typeof expected === "function") expected(commands, next);
              else deepStrictEqual(serialized(commands), serialized(expected));
            },
            thenThrows: (message) => {
              try {
                run();
              } catch (err) {
                if (message && !message.test((err as Error).message))
                  fail(`threw "${(err as Error).message}", expected ${message}`);
                return;
              }
              fail("expected the decider to throw");
            },
          };
        },
      };
    },
  };
}

function serialized(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** The decider's view of a spec event: a raw task output parsed by its contract, as the coordinator does. */
function deciderEvent(e: SpecEvent): WorkflowEvent {
  if (e.type !== "task.completed.raw") return e as WorkflowEvent;
  return completionEvent(e.contract, e.task_id, e.at, e.output);
}

// ---- event builders -------------------------------------------------------------------------

/** The workflow's start with `input` (parsed by the workflow's schema). */
export function started(input: unknown, at = SPEC_T0): SpecEvent {
  return { type: "started", at, input };
}

/** Task `taskId` of `contract` completed with `output` (parsed by the contract). */
export function taskCompleted<C extends AnyTaskContract>(
  contract: C,
  taskId: string,
  output: TaskResult<C>,
  at = SPEC_T0,
): SpecEvent {
  return { type: "task.completed.raw", at, task_id: taskId, contract, output };
}

/** Task `taskId` of `contract` failed with `error`. */
export function taskFailed(contract: AnyTaskContract, taskId: string, error: ErrorInfo, at = SPEC_T0): SpecEvent {
  return { type: "task.failed", at, task_id: taskId, kind: contract.kind, error };
}

/** Signal `name` reached the workflow. */
export function signalled(name: string, payload?: unknown, at = SPEC_T0): SpecEvent {
  return { type: "signal", at, name, payload };
}

/** Timer `timerId` fired. */
export function timerFired(timerId: string, at = SPEC_T0): SpecEvent {
  return { type: "timer.fired", at, timer_id: timerId };
}

/** Child `childId` completed with `result`. */
export function childCompleted(childId: string, result: unknown, at = SPEC_T0): SpecEvent {
  return { type: "child.completed", at, child_id: childId, result };
}

/** Child `childId` failed with `error`. */
export function childFailed(childId: string, error: ErrorInfo, at = SPEC_T0): SpecEvent {
  return { type: "child.failed", at, child_id: childId, error };
}
