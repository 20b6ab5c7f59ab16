/**
 * Idempotent provisioning of everything patchbay needs on JetStream. Many processes may run
 * it at once; a resource that exists with a configuration that drifted from what this code
 * expects is reported (CONFIG_DRIFT), never silently used. Nothing needs a server newer than
 * 2.9 (no per-message TTLs, no subject transforms). In verify-only mode nothing is created:
 * processes whose NATS user may not create streams check what an admin provisioned.
 */
import { PermissionViolationError, type NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { BUILTIN_ROLES, type Role } from "../../protocol/roles.ts";
import { Bucket, Consumer, DUPLICATE_WINDOW_MS, Stream, Subject } from "../../protocol/subjects.ts";
import { isApiError, isConsumerNotFound, isStreamNotFound } from "./js-errors.ts";

/** Limits of the work queues; a full queue refuses publishes (discard new) instead of dropping work. */
export interface ProvisionOptions {
  /** Max messages waiting in TASKS and in WORKFLOWS each (default 1,000,000). */
  maxQueued?: number;
  /** Pool-wide ceiling of unacknowledged tasks per role (default 1,000). */
  maxAckPendingPerRole?: number;
  /** Deliveries of a task before the host gives up (default 5). */
  maxTaskDeliveries?: number;
  /** Ack wait of task consumers; actors send working() at a third of it (default 30 s). */
  taskAckWaitMs?: number;
  /** How long ended workflows' records are kept (default 30 days, as their history). */
  endedRetentionMs?: number;
  /** Duplicate window of every stream (default 15 minutes; tests shorten it to probe what lies beyond). */
  duplicateWindowMs?: number;
  /** Roles whose task consumers to provision besides the built-in ones (a new role's own). */
  roles?: readonly Role[];
}

const ns = (ms: number) => ms * 1_000_000;
/** How long HISTORY and DLQ keep messages, and the default retention of ended records. */
const HISTORY_AGE_MS = 30 * 24 * 3_600_000;

/** The stream configurations, as this code expects them. */
export function streamConfigs(opts: ProvisionOptions = {}): Array<Partial<StreamConfig> & { name: string }> {
  const maxQueued = opts.maxQueued ?? 1_000_000;
  const common = {
    storage: StorageType.File,
    num_replicas: 1,
    duplicate_window: ns(opts.duplicateWindowMs ?? DUPLICATE_WINDOW_MS),
  };
  return [
    {
      ...common,
      name: Stream.Workflows,
      subjects: [Subject.allStarts, Subject.allSignals],
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      max_msgs: maxQueued,
    },
    {
      ...common,
      name: Stream.Timers,
      subjects: [Subject.allTimers],
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      max_msgs: 10 * maxQueued,
    },
    {
      ...common,
      name: Stream.Tasks,
      subjects: [Subject.allTasks],
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      max_msgs: maxQueued,
    },
    {
      ...common,
      name: Stream.History,
      subjects: [Subject.allEvents, Subject.allLogs],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: ns(HISTORY_AGE_MS),
    },
    {
      ...common,
      name: Stream.Dlq,
      subjects: [Subject.allDlq, Subject.maxDeliveriesAdvisories],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: ns(HISTORY_AGE_MS),
    },
  ];
}

/** The durable consumer configurations, keyed by stream. */
export function consumerConfigs(
  opts: ProvisionOptions = {},
): Array<{ stream: string; config: Partial<ConsumerConfig> & { durable_name: string } }> {
  const base = { ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: ns(10_000) };
  const coordinator = [
    {
      stream: Stream.Workflows,
      config: {
        ...base,
        durable_name: Consumer.Starts,
        filter_subject: Subject.allStarts,
        max_deliver: -1,
        max_ack_pending: 10_000,
      },
    },
    {
      stream: Stream.Workflows,
      config: {
        ...base,
        durable_name: Consumer.Signals,
        filter_subject: Subject.allSignals,
        max_deliver: -1,
        max_ack_pending: 1_000,
      },
    },
    {
      stream: Stream.Timers,
      config: {
        ...base,
        durable_name: Consumer.Timers,
        filter_subject: Subject.allTimers,
        max_deliver: -1,
        max_ack_pending: -1,
      },
    },
    {
      stream: Stream.History,
      config: {
        ...base,
        durable_name: Consumer.Events,
        filter_subject: Subject.allEvents,
        max_deliver: -1,
        max_ack_pending: 20_000,
      },
    },
  ];
  const roles = [...new Set<Role>([...BUILTIN_ROLES, ...(opts.roles ?? [])])];
  const actors = roles.map((role) => ({
    stream: Stream.Tasks,
    config: {
      ...base,
      durable_name: Consumer.actor(role),
      filter_subject: Subject.task(role),
      max_deliver: opts.maxTaskDeliveries ?? 5,
      max_ack_pending: opts.maxAckPendingPerRole ?? 1_000,
      ack_wait: ns(opts.taskAckWaitMs ?? 30_000),
    },
  }));
  return [...coordinator, ...actors];
}

/** How {@link provision} treats resources that are missing. */
export interface ProvisionMode {
  /**
   * Only read (stream and consumer info, bucket status), create nothing: missing resources are
   * reported as NOT_FOUND and drifted ones as CONFIG_DRIFT, all in one error. For processes
   * whose NATS user has no create permissions (PATCHBAY_PROVISION=verify).
   */
  verifyOnly?: boolean;
}

const STREAM_KEYS: Array<keyof StreamConfig> = [
  "subjects",
  "retention",
  "discard",
  "storage",
  "duplicate_window",
  "max_msgs",
];
const CONSUMER_KEYS: Array<keyof ConsumerConfig> = [
  "filter_subject",
  "ack_policy",
  "max_deliver",
  "ack_wait",
  "max_ack_pending",
];

/** Creates or verifies every stream, consumer, the `sagas` and `forge` buckets and the `artifacts` store. */
export async function provision(
  nc: NatsConnection,
  opts: ProvisionOptions = {},
  mode: ProvisionMode = {},
): Promise<void> {
  if (mode.verifyOnly) return await verifyProvisioned(nc, opts);
  try {
    await createOrVerify(nc, opts);
  } catch (err) {
    const denied = permissionViolation(err);
    if (!denied) throw err;
    throw new TerminalError(
      ErrorCode.ConfigInvalid,
      `this NATS user may not create what patchbay needs (${denied.message}): provision once as admin, then run with PATCHBAY_PROVISION=verify`,
      { cause: err },
    );
  }
}

/** The server's refusal behind `err` (a request wraps it as its cause), if it is one. */
function permissionViolation(err: unknown): PermissionViolationError | undefined {
  if (err instanceof PermissionViolationError) return err;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof PermissionViolationError ? cause : undefined;
}

async function createOrVerify(nc: NatsConnection, opts: ProvisionOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const cfg of streamConfigs(opts)) await ensureStream(jsm, cfg);
  for (const { stream, config } of consumerConfigs(opts)) await ensureConsumer(jsm, stream, config);
  for (const want of bucketConfigs(opts)) {
    const kv = await new Kvm(nc).create(want.name, {
      history: want.history,
      ttl: want.ttlMs ?? 0,
      storage: StorageType.File,
    });
    const diffs = bucketDiffs(want, await kv.status());
    if (diffs.length) drift(`KV ${want.name}`, diffs);
  }
  await new Objm(nc).create(Bucket.Artifacts, { storage: StorageType.File });
}

/** A KV bucket as this code expects it. */
interface BucketConfig {
  name: string;
  history: number;
  /** Age limit of every entry (0 or absent: none). */
  ttlMs?: number;
}

/**
 * The KV buckets: running saga records, ended ones (kept for the retention), forge records,
 * and the claims of task deliveries (kept a week).
 */
export function bucketConfigs(opts: ProvisionOptions = {}): BucketConfig[] {
  return [
    { name: Bucket.Sagas, history: 1 },
    { name: Bucket.Ended, history: 1, ttlMs: opts.endedRetentionMs ?? HISTORY_AGE_MS },
    { name: Bucket.Forge, history: 5 },
    { name: Bucket.Claims, history: 1, ttlMs: CLAIM_TTL_MS },
  ];
}

const CLAIM_TTL_MS = 7 * 24 * 3_600_000;

function bucketDiffs(want: BucketConfig, have: { history: number; ttl: number }): string[] {
  const diffs: string[] = [];
  if (have.history !== want.history) diffs.push(`history is ${have.history}, expected ${want.history}`);
  if (have.ttl !== (want.ttlMs ?? 0)) diffs.push(`ttl is ${have.ttl} ms, expected ${want.ttlMs ?? 0} ms`);
  return diffs;
}

async function ensureStream(jsm: JetStreamManager, want: Partial<StreamConfig> & { name: string }): Promise<void> {
  const have = await streamInfo(jsm, want.name);
  if (!have) {
    try {
      await jsm.streams.add(want);
      return;
    } catch (err) {
      if (!isApiError(err)) throw err;
    }
  }
  const info = have ?? (await jsm.streams.info(want.name)).config;
  const diffs = compare(want, info, STREAM_KEYS);
  if (diffs.length) drift(`stream ${want.name}`, diffs);
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    if (isStreamNotFound(err)) return undefined;
    throw err;
  }
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  want: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  let have = await consumerInfo(jsm, stream, want.durable_name);
  if (!have) {
    try {
      await jsm.consumers.add(stream, want);
      return;
    } catch (err) {
      if (!isApiError(err)) throw err;
      have = (await jsm.consumers.info(stream, want.durable_name)).config;
    }
  }
  const diffs = compare(want, have, CONSUMER_KEYS);
  if (diffs.length) drift(`consumer ${stream}/${want.durable_name}`, diffs);
}

/** Reads every resource and throws NOT_FOUND (anything missing) or CONFIG_DRIFT, listing all. */
async function verifyProvisioned(nc: NatsConnection, opts: ProvisionOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const missing: string[] = [];
  const drifted: string[] = [];
  for (const want of streamConfigs(opts)) {
    const have = await streamInfo(jsm, want.name);
    if (!have) missing.push(`stream ${want.name}`);
    else drifted.push(...compare(want, have, STREAM_KEYS).map((d) => `stream ${want.name} ${d}`));
  }
  for (const { stream, config } of consumerConfigs(opts)) {
    const have = await consumerInfo(jsm, stream, config.durable_name);
    if (!have) missing.push(`consumer ${stream}/${config.durable_name}`);
    else
      drifted.push(
        ...compare(config, have, CONSUMER_KEYS).map((d) => `consumer ${stream}/${config.durable_name} ${d}`),
      );
  }
  for (const want of bucketConfigs(opts)) {
    const have = await ifExists(() => new Kvm(nc).open(want.name).then((kv) => kv.status()));
    if (!have) missing.push(`KV ${want.name}`);
    else drifted.push(...bucketDiffs(want, have).map((d) => `KV ${want.name} ${d}`));
  }
  if (!(await streamInfo(jsm, Stream.objectStore(Bucket.Artifacts)))) missing.push(`object store ${Bucket.Artifacts}`);
  if (missing.length) {
    const also = drifted.length ? `; also drifted: ${drifted.join("; ")}` : "";
    throw new TerminalError(
      ErrorCode.NotFound,
      `not provisioned: ${missing.join(", ")}${also}. Provision once as a user allowed to create them (PATCHBAY_PROVISION=create, e.g. the admin user), then restart.`,
    );
  }
  if (drifted.length) {
    throw new TerminalError(
      ErrorCode.ConfigDrift,
      `provisioned with a different configuration: ${drifted.join("; ")}. Fix or delete it (nats stream rm / nats consumer rm), provision again as admin and restart.`,
    );
  }
}

/** What `read` returns, or undefined when the stream behind it does not exist. */
async function ifExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isStreamNotFound(err)) return undefined;
    throw err;
  }
}

async function consumerInfo(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerConfig | undefined> {
  try {
    return (await jsm.consumers.info(stream, name)).config;
  } catch (err) {
    if (isConsumerNotFound(err)) return undefined;
    throw err;
  }
}

function compare<T extends object>(want: Partial<T>, have: T, keys: Array<keyof T>): string[] {
  const diffs: string[] = [];
  for (const key of keys) {
    const w = want[key];
    if (w === undefined) continue;
    if (JSON.stringify(w) !== JSON.stringify(have[key]))
      diffs.push(`${String(key)} is ${JSON.stringify(have[key])}, expected ${JSON.stringify(w)}`);
  }
  return diffs;
}

function drift(what: string, diffs: string[]): never {
  throw new TerminalError(
    ErrorCode.ConfigDrift,
    `${what} exists with a different configuration: ${diffs.join("; ")}. Fix or delete it (nats stream rm / nats consumer rm) and restart.`,
  );
}
