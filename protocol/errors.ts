/**
 * patchbay's two error kinds. A {@link TerminalError} will fail the same way on every retry:
 * the message is termed and the workflow fails or compensates. Every other error is
 * retryable: the message is nak'ed with backoff. Every error carries a stable `code`.
 */
import { Header } from "./subjects.ts";

/** Stable error codes. Add new ones here; never reuse a code for another meaning. */
export const ErrorCode = {
  InvalidInput: "INVALID_INPUT",
  /** A console or API query parameter the gateway cannot read (the parameter is named). */
  InvalidQuery: "INVALID_QUERY",
  InvalidMessage: "INVALID_MESSAGE",
  /** A task handler returned a value its contract's output schema refuses. */
  InvalidOutput: "INVALID_OUTPUT",
  UnknownWorkflowType: "UNKNOWN_WORKFLOW_TYPE",
  UnknownTaskKind: "UNKNOWN_TASK_KIND",
  TaskTimeout: "TASK_TIMEOUT",
  /** A task waited in its queue longer than its schedule-to-start budget. */
  QueueTimeout: "QUEUE_TIMEOUT",
  /** A delivery of a task that another delivery or a newer attempt replaced: it must not report or act. */
  Superseded: "SUPERSEDED",
  TaskFailed: "TASK_FAILED",
  DeciderError: "DECIDER_ERROR",
  Cancelled: "CANCELLED",
  NatsUnreachable: "NATS_UNREACHABLE",
  NatsAuthFailed: "NATS_AUTH_FAILED",
  ConfigDrift: "CONFIG_DRIFT",
  ConfigInvalid: "CONFIG_INVALID",
  Backpressure: "BACKPRESSURE",
  NotFound: "NOT_FOUND",
  ResetInvalid: "RESET_INVALID",
  ServerStartFailed: "SERVER_START_FAILED",
  Internal: "INTERNAL",
  PathEscape: "PATH_ESCAPE",
  SandboxFailed: "SANDBOX_FAILED",
  GitFailed: "GIT_FAILED",
  RepoNotFound: "REPO_NOT_FOUND",
  BranchNotFound: "BRANCH_NOT_FOUND",
  PrNotFound: "PR_NOT_FOUND",
  LockTimeout: "LOCK_TIMEOUT",
  AnalysisFailed: "ANALYSIS_FAILED",
  AnalysisOptionsInvalid: "ANALYSIS_OPTIONS_INVALID",
  AnalysisUnsupportedFile: "ANALYSIS_UNSUPPORTED_FILE",
  AnalysisFileUnreadable: "ANALYSIS_FILE_UNREADABLE",
  AnalysisFileTooLarge: "ANALYSIS_FILE_TOO_LARGE",
  PrNotOpen: "PR_NOT_OPEN",
  MergeConflict: "MERGE_CONFLICT",
  /** A branch moved after the commit a task was asked to work on: nothing is pushed over it. */
  BranchMoved: "BRANCH_MOVED",
  /** A branch a task would create exists already (another run's): it is not overwritten. */
  BranchExists: "BRANCH_EXISTS",
  NothingToMerge: "NOTHING_TO_MERGE",
  ForgeConflict: "FORGE_CONFLICT",
  /** A workflow's saga record outgrew what one message may hold: the workflow fails rather than loop. */
  RecordTooLarge: "RECORD_TOO_LARGE",
  /** A client gave up waiting for a workflow to end. */
  WaitTimeout: "WAIT_TIMEOUT",
  /** A registered workflow dispatches to a role no process serves. */
  RoleMissing: "ROLE_MISSING",
  /** A model's reply did not match the schema asked for, even after one repair request. */
  InvalidModelOutput: "INVALID_MODEL_OUTPUT",
  /** A workflow's model budget (tokens or cost) is spent. */
  BudgetExceeded: "BUDGET_EXCEEDED",
  /** A coding agent repeated itself or made no progress, and was stopped. */
  AgentLoop: "AGENT_LOOP",
  /** A model endpoint could not be reached or answered 5xx / 429 after the retries. */
  ModelUnavailable: "MODEL_UNAVAILABLE",
  /** A model endpoint refused the request (400, 401, 403, 404…): retrying will not help. */
  ModelRefused: "MODEL_REFUSED",
  /** A model request ran past its per-request timeout, retries included. */
  ModelTimeout: "MODEL_TIMEOUT",
  /** A role needs a model and none is configured. */
  ModelNotConfigured: "MODEL_NOT_CONFIGURED",
  /** A migration plan that cannot run: not the plan format, or naming codemods that do not exist. */
  InvalidPlan: "INVALID_PLAN",
  /** A codemod threw on a file; the step is not committed. */
  CodemodFailed: "CODEMOD_FAILED",
  /** A migration step's validation (the repository's tests) did not pass. */
  MigrationTestsFailed: "MIGRATION_TESTS_FAILED",
  /** A dead letter that may not be sent again: it names no original subject, or one that is not a public input. */
  DlqNotReplayable: "DLQ_NOT_REPLAYABLE",
} as const;

/** One of the {@link ErrorCode} values, or a code defined by an actor or workflow. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | (string & {});

/** The serialisable face of an error: what crosses NATS (in headers) and lands in saga state. */
export interface ErrorInfo {
  /** Stable machine-readable code, e.g. `TASK_TIMEOUT`. */
  code: string;
  /** Human-readable description. */
  message: string;
}

/** Base class of every patchbay error. */
export class PatchbayError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** Whether retrying the same work may succeed. */
  readonly retryable: boolean;

  constructor(code: ErrorCodeValue, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PatchbayError";
    this.code = code;
    this.retryable = options?.retryable ?? true;
  }

  /** The serialisable {code, message} pair. */
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** An error that will not go away by retrying: term the message, fail or compensate. */
export class TerminalError extends PatchbayError {
  constructor(code: ErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(code, message, { ...options, retryable: false });
    this.name = "TerminalError";
  }
}

/** An error worth retrying later (nak with backoff). */
export class RetryableError extends PatchbayError {
  constructor(code: ErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(code, message, { ...options, retryable: true });
    this.name = "RetryableError";
  }
}

/** Turns anything thrown into a {@link PatchbayError}; unknown errors are retryable `INTERNAL`. */
export function ensureError(err: unknown): PatchbayError {
  if (err instanceof PatchbayError) return err;
  if (err instanceof Error) return new RetryableError(ErrorCode.Internal, err.message, { cause: err });
  return new RetryableError(ErrorCode.Internal, String(err));
}

/** The headers that carry an error across NATS (errors travel in headers, never in payloads). */
export function errorHeaders(error: ErrorInfo): Record<string, string> {
  return {
    [Header.ErrorCode]: error.code,
    [Header.ErrorMessage]: error.message.replace(/[\r\n]+/g, " ").slice(0, 1024),
  };
}

/** The error carried by a message's headers, if any; `get` reads one header. */
export function errorFromHeaders(get: (name: string) => string | undefined): ErrorInfo | undefined {
  const code = get(Header.ErrorCode);
  return code ? { code, message: get(Header.ErrorMessage) ?? "" } : undefined;
}

/** Rebuilds an error from its {@link ErrorInfo}, e.g. after it crossed NATS. */
export function errorFromInfo(info: ErrorInfo, retryable = false): PatchbayError {
  return retryable ? new RetryableError(info.code, info.message) : new TerminalError(info.code, info.message);
}
