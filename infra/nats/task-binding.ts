/**
 * Binding role logic to task contracts: what a handler receives, and how a binding runs
 * (the input parsed by its contract before the handler, the output validated after it).
 */
import {
  contractName,
  parseTaskInput,
  parseTaskOutput,
  type AnyTaskContract,
  type TaskParsedInput,
  type TaskResult,
} from "../../protocol/contract.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { Role } from "../../protocol/roles.ts";
import type { TaskMessage } from "../../protocol/task.ts";

/** What a handler gets besides its input. */
export interface TaskContext {
  task: TaskMessage;
  /** 1 on first delivery of this attempt. */
  delivery: number;
  /** Aborted when the workflow is cancelled, the attempt is superseded, or the host stops for good. */
  signal: AbortSignal;
  log(line: string): void;
  /**
   * The same for every attempt and delivery of this task (`<workflow>/<run>/<task>`): an effect
   * keyed by it (a commit trailer, a comment key) is found again instead of made twice.
   */
  idempotencyKey: string;
  /**
   * Throws SUPERSEDED (terminal) when another delivery or a newer attempt has taken this task
   * over, which can only happen after this process was frozen past the ack wait. Call it
   * right before an effect; it costs nothing unless such a freeze happened.
   */
  assertCurrent(): Promise<void>;
}

/** Role logic for one contract: gets the parsed input, returns the output or throws. */
export type TaskHandler<C extends AnyTaskContract = AnyTaskContract> = (
  input: TaskParsedInput<C>,
  ctx: TaskContext,
) => Promise<TaskResult<C>>;

/** A handler bound to its contract; build it with {@link implement}. */
export interface TaskBinding {
  readonly contract: AnyTaskContract;
  readonly handle: TaskHandler;
}

/** Binds `handler` to `contract`: the host parses its input and validates its output by it. */
export function implement<C extends AnyTaskContract>(contract: C, handler: TaskHandler<C>): TaskBinding {
  return { contract, handle: handler as TaskHandler };
}

/**
 * Runs a binding as the host does: the input parsed by the contract (INVALID_INPUT), the
 * handler, the output validated by the contract (INVALID_OUTPUT naming the field) and parsed.
 */
export async function runBinding(binding: TaskBinding, rawInput: unknown, ctx: TaskContext): Promise<unknown> {
  const output = await binding.handle(parseTaskInput(binding.contract, rawInput), ctx);
  return parseTaskOutput(binding.contract, output);
}

/** The bindings of a host by kind; a binding of another role, or two of one kind, is CONFIG_INVALID. */
export function bindingsByKind(role: Role, bindings: readonly TaskBinding[]): Map<string, TaskBinding> {
  const byKind = new Map<string, TaskBinding>();
  for (const b of bindings) {
    if (b.contract.role !== role) {
      throw new TerminalError(
        ErrorCode.ConfigInvalid,
        `the ${role} host was given a handler of ${contractName(b.contract)}`,
      );
    }
    if (byKind.has(b.contract.kind))
      throw new TerminalError(ErrorCode.ConfigInvalid, `two handlers of ${contractName(b.contract)}`);
    byKind.set(b.contract.kind, b);
  }
  return byKind;
}
