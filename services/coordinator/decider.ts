/**
 * The workflow contract of DESIGN §4: a definition is data plus three pure functions. No I/O,
 * no clock, no random ids: time arrives as `event.at`, ids are the workflow's own.
 */
import type { ZodType } from "zod";
import type { ErrorInfo } from "../../protocol/errors.ts";

/** What a decider sees. Every event carries the time it happened (`at`, epoch ms). */
export type WorkflowEvent =
  | { type: "started"; at: number; input: unknown }
  | { type: "task.completed"; at: number; task_id: string; kind: string; output: unknown }
  | { type: "task.failed"; at: number; task_id: string; kind: string; error: ErrorInfo }
  | { type: "signal"; at: number; name: string; payload: unknown }
  | { type: "timer.fired"; at: number; timer_id: string }
  | { type: "child.completed"; at: number; child_id: string; result: unknown }
  | { type: "child.failed"; at: number; child_id: string; error: ErrorInfo };

/** Work that undoes a completed step; run by the coordinator in reverse order of completion. */
export interface Compensation {
  role: string;
  kind: string;
  input: unknown;
  timeout_ms?: number;
}

/** Send a task to an actor role. */
export interface Dispatch {
  type: "dispatch";
  /** Unique within the run; results are matched by it. */
  task_id: string;
  role: string;
  kind: string;
  input: unknown;
  /** Per-attempt deadline; after it the task is re-dispatched (attempt + 1) or fails with TASK_TIMEOUT. */
  timeout_ms?: number;
  /** Dispatches (deadline re-dispatches included) before TASK_TIMEOUT; default 3. */
  max_attempts?: number;
  /** Registered when the task completes; run if the workflow later compensates. */
  compensation?: Compensation;
}

/** Every command a decider can return. */
export type Command =
  | Dispatch
  | { type: "start_child"; child_id: string; workflow_type: string; input: unknown }
  | { type: "schedule"; timer_id: string; after_ms: number }
  | { type: "cancel_timer"; timer_id: string }
  | { type: "compensate"; error: ErrorInfo }
  | { type: "complete"; result: unknown }
  | { type: "fail"; error: ErrorInfo };

/** A workflow definition: input schema plus pure initial/evolve/decide. */
export interface Workflow<I = unknown, S = unknown> {
  /** The `<type>` of `workflow.start.<type>`. */
  type: string;
  /** Definition version; a running workflow keeps the version it started with. */
  version: number;
  /** Checked where the start arrives; a bad input fails the workflow with INVALID_INPUT. */
  input: ZodType<I>;
  initial(input: I, ctx: { id: string; now: number }): S;
  evolve(state: S, event: WorkflowEvent): S;
  decide(state: S, event: WorkflowEvent): Command[];
}

/** A workflow with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkflow = Workflow<any, any>;

/** Every workflow definition the coordinator knows, by type and version. */
export class WorkflowRegistry {
  readonly #byType = new Map<string, Map<number, AnyWorkflow>>();

  constructor(workflows: AnyWorkflow[] = []) {
    for (const wf of workflows) this.register(wf);
  }

  /** Adds a definition; registering a second version keeps the first for running workflows. */
  register(wf: AnyWorkflow): this {
    const versions = this.#byType.get(wf.type) ?? new Map<number, AnyWorkflow>();
    versions.set(wf.version, wf);
    this.#byType.set(wf.type, versions);
    return this;
  }

  /** The given version, or the latest when `version` is undefined. */
  get(type: string, version?: number): AnyWorkflow | undefined {
    const versions = this.#byType.get(type);
    if (!versions) return undefined;
    if (version !== undefined) return versions.get(version);
    return versions.get(Math.max(...versions.keys()));
  }

  /** Every registered type. */
  types(): string[] {
    return [...this.#byType.keys()];
  }
}
