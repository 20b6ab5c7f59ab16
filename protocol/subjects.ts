/**
 * Every subject, stream, consumer, bucket and header name patchbay uses. No other file
 * spells one of these strings.
 */
import type { Role } from "./roles.ts";

/** Stream names. */
export const Stream = {
  Workflows: "WORKFLOWS",
  History: "HISTORY",
  Tasks: "TASKS",
  Timers: "TIMERS",
  Dlq: "DLQ",
  /** The stream behind an object store (nats.js names it so; its `objectStoreStreamName` is not exported). */
  objectStore: (bucket: string) => `OBJ_${bucket}`,
  /** The stream behind a KV bucket (the nats.js convention). */
  kv: (bucket: string) => `KV_${bucket}`,
} as const;

/** The subject of one key of a KV bucket (`$KV.<bucket>.<key>`; `>` for all of them). */
export function kvSubject(bucket: string, key = ">"): string {
  return `$KV.${bucket}.${key}`;
}

/** KV bucket and object store names. */
export const Bucket = {
  Sagas: "sagas",
  Artifacts: "artifacts",
  /** The local forge's pull request and issue records. */
  Forge: "forge",
  /** Which delivery of a task attempt runs it, for attempts that may have copies (see the actor host). */
  Claims: "claims",
  /** Records of ended workflows, kept for the retention (running ones are in `sagas`). */
  Ended: "ended",
} as const;

/** Durable consumer names. */
export const Consumer = {
  Starts: "coordinator-starts",
  Signals: "coordinator-signals",
  Timers: "coordinator-timers",
  Events: "coordinator-events",
  /** The pool-wide consumer of one actor role. */
  actor: (role: Role) => `actor-${role}`,
} as const;

/** Subject builders and wildcards. */
export const Subject = {
  start: (type: string) => `workflow.start.${type}`,
  signal: (workflowId: string) => `workflow.signal.${workflowId}`,
  timer: (workflowId: string) => `workflow.timer.${workflowId}`,
  event: (workflowId: string) => `workflow.event.${workflowId}`,
  log: (workflowId: string) => `workflow.log.${workflowId}`,
  /** Events and log of one workflow, in stream order: its history. */
  history: (workflowId: string) => `workflow.*.${workflowId}`,
  task: (role: Role) => `task.${role}`,
  cancel: (workflowId: string) => `task.cancel.${workflowId}`,
  dlq: (originalSubject: string) => `dlq.${originalSubject}`,
  allStarts: "workflow.start.>",
  allSignals: "workflow.signal.>",
  allTimers: "workflow.timer.>",
  allEvents: "workflow.event.>",
  allLogs: "workflow.log.>",
  allTasks: "task.*",
  allCancels: "task.cancel.*",
  allDlq: "dlq.>",
  maxDeliveriesAdvisories: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>",
  /** Core NATS: the heartbeats (and the last word) of one role's actor processes. */
  presence: (role: Role) => `patchbay.presence.${role}`,
  /** Core NATS: the heartbeats of every role's actor processes. */
  allPresence: "patchbay.presence.*",
  /** Core NATS: a request here is answered at once by every live actor process with its presence. */
  presencePing: "patchbay.ping.presence",
} as const;

/**
 * The original subjects a dead letter may be replayed to: the public inputs, starts and
 * signals, which every client may publish anyway. Tasks, timers and events are the runtime's
 * own (a replayed copy would bypass the saga's bookkeeping) and are not replayed.
 */
export const REPLAYABLE_SUBJECTS = [Subject.start("*"), Subject.signal("*")] as const;

/** Whether `subject` matches the NATS subject `pattern` (`*` one token, `>` the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split(".");
  const got = subject.split(".");
  for (let i = 0; i < want.length; i++) {
    if (want[i] === ">") return got.length > i;
    if (i >= got.length || (want[i] !== "*" && want[i] !== got[i])) return false;
  }
  return want.length === got.length;
}

/** Workflow ids and types: letters, digits, `-`, `_` (they are subject tokens). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Returns the last token of a subject (the workflow id of per-workflow subjects). */
export function lastToken(subject: string): string {
  return subject.slice(subject.lastIndexOf(".") + 1);
}

/** Returns the token at `index` of a subject. */
export function token(subject: string, index: number): string {
  return subject.split(".")[index] ?? "";
}

/** NATS header names patchbay sets. */
export const Header = {
  MsgId: "Nats-Msg-Id",
  ErrorCode: "Patchbay-Error-Code",
  ErrorMessage: "Patchbay-Error-Message",
  DlqReason: "Patchbay-Dlq-Reason",
  DlqSubject: "Patchbay-Dlq-Subject",
  DlqStreamSeq: "Patchbay-Dlq-Stream-Seq",
  /** The `Nats-Msg-Id` the dead-lettered message had, if any. */
  DlqMsgId: "Patchbay-Dlq-Msg-Id",
  /** Set on outbox messages published again by a step that cannot know whether they went out before. */
  Republished: "Patchbay-Republished",
  TraceParent: "traceparent",
  TraceState: "tracestate",
} as const;

/**
 * Duplicate windows, set explicitly. A re-published outbox or a repeated start is
 * swallowed within this window; beyond it, kv.create (starts) and the saga's pending-task
 * bookkeeping (results) keep inputs applied once.
 */
export const DUPLICATE_WINDOW_MS = 15 * 60_000;
