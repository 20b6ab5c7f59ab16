/**
 * Typed task contracts: one per task kind, naming the role that serves it and the zod schemas
 * of its input and output. Workflows dispatch through a contract (so the input type-checks),
 * actor hosts implement one (input parsed before the handler, output validated before it is
 * reported), and the coordinator hands deciders outputs already parsed by it.
 */
import type { z } from "zod";
import { parseOrThrow } from "./codec.ts";
import { ErrorCode, TerminalError } from "./errors.ts";
import { ROLE_PATTERN, type Role } from "./roles.ts";

/** The contract of one task kind. */
export interface TaskContract<
  R extends Role = Role,
  K extends string = string,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  /** The role whose pool runs it. */
  readonly role: R;
  /** Unique within the role, e.g. `check.run`. */
  readonly kind: K;
  /** What the dispatcher sends (parsed by the actor host before the handler runs). */
  readonly input: I;
  /** What the handler returns (validated before it is reported, parsed again by the coordinator). */
  readonly output: O;
}

/** Any contract, as collections hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTaskContract = TaskContract<Role, string, z.ZodType<any, any>, z.ZodType<any, any>>;

/** What a dispatcher passes: the input schema's input type (defaults may be left out). */
export type TaskInput<C extends AnyTaskContract> = z.input<C["input"]>;
/** What a handler receives: the input after parsing. */
export type TaskParsedInput<C extends AnyTaskContract> = z.output<C["input"]>;
/** What a handler returns: the output schema's input type. */
export type TaskResult<C extends AnyTaskContract> = z.input<C["output"]>;
/** What a decider receives: the output after parsing. */
export type TaskOutput<C extends AnyTaskContract> = z.output<C["output"]>;

const KIND_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;

/** Defines the contract of one task kind; a malformed role or kind throws at import time. */
export function defineTask<
  const R extends Role,
  const K extends string,
  I extends z.ZodType,
  O extends z.ZodType,
>(spec: { role: R; kind: K; input: I; output: O }): TaskContract<R, K, I, O> {
  if (!ROLE_PATTERN.test(spec.role))
    throw new TerminalError(ErrorCode.ConfigInvalid, `task role '${spec.role}' must match ${ROLE_PATTERN}`);
  if (!KIND_PATTERN.test(spec.kind))
    throw new TerminalError(ErrorCode.ConfigInvalid, `task kind '${spec.kind}' must match ${KIND_PATTERN}`);
  return Object.freeze({ role: spec.role, kind: spec.kind, input: spec.input, output: spec.output });
}

/** `role/kind`: how a contract is named in errors and logs. */
export function contractName(c: Pick<AnyTaskContract, "role" | "kind">): string {
  return `${c.role}/${c.kind}`;
}

/** Parses a task's input; a bad one is a terminal INVALID_INPUT naming the field. */
export function parseTaskInput<C extends AnyTaskContract>(contract: C, raw: unknown): TaskParsedInput<C> {
  return parseOrThrow(raw, contract.input, ErrorCode.InvalidInput, { owner: contractName(contract), root: "input" });
}

/** Parses a task's output; a bad one is a terminal INVALID_OUTPUT naming the field. */
export function parseTaskOutput<C extends AnyTaskContract>(contract: C, raw: unknown): TaskOutput<C> {
  return parseOrThrow(raw, contract.output, ErrorCode.InvalidOutput, { owner: contractName(contract), root: "output" });
}
