/**
 * Per-service NATS users with least-privilege subject permissions (docs/permissions.md), as pure
 * functions: the users, what each may publish and subscribe to, and the nats-server
 * configuration text. Passwords come in as arguments; nothing here generates or stores one.
 * Every subject is derived from protocol/subjects.ts and the provisioning configs, so a new
 * stream, consumer or role changes the generated permissions with it. See docs/permissions.md.
 */
import { BUILTIN_ROLES, type Role } from "../../protocol/roles.ts";
import { Bucket, Consumer, REPLAYABLE_SUBJECTS, Stream, Subject, kvSubject } from "../../protocol/subjects.ts";
import { bucketConfigs, consumerConfigs, streamConfigs } from "./provision.ts";

/** What one user may do with one kind of operation; `deny` wins over `allow`. */
export interface SubjectRule {
  /** Subjects (with wildcards) the operation is allowed on. */
  allow: string[];
  /** Exceptions to `allow`. */
  deny?: string[];
}

/** Replies to requests a user received (nats-server's `allow_responses`). */
export interface ResponseRule {
  /** Replies per request. */
  max: number;
  /** How long after the request it may reply (a Go duration, e.g. `1m`). */
  expires: string;
}

/** The publish and subscribe permissions of one user. */
export interface SubjectPermissions {
  publish: SubjectRule;
  subscribe: SubjectRule;
  /** It may reply to the requests it receives (actors answer presence pings), whatever the reply subject. */
  allow_responses?: ResponseRule;
}

/** One NATS user of a patchbay deployment. */
export interface NatsUser {
  /** User name: `admin`, `coordinator`, `actor-<role>`, `gateway` or `client`. */
  user: string;
  /** Plain-text password (nats-server compares it as given). */
  password: string;
  permissions: SubjectPermissions;
}

/** What a service is granted before the common grants and the durable-consumer guards. */
interface Grants {
  publish: string[];
  subscribe: string[];
  /** Durable consumers (`STREAM/name`) this user pulls from and acks. */
  pulls: string[];
  /** Streams on which this user may create and read its own ephemeral (ordered) consumers. */
  reads: string[];
  /** Whether it answers requests (reply subjects are other users' inboxes). */
  responds?: boolean;
}

const API = "$JS.API";
/** Stream names nats.js gives a KV bucket and an object store (library conventions). */
const kvStream = Stream.kv;
const objStream = Stream.objectStore;
const kvKeys = (bucket: string) => kvSubject(bucket);

/** The user name of an actor role's processes. */
export const actorUser = (role: Role): string => `actor-${role}`;

/**
 * The reply-inbox prefix of a user (`_INBOX_<user>`): `connectNats` uses it whenever a user is
 * given, so no user may subscribe to another's replies.
 */
export function inboxPrefixOf(user: string): string {
  return `_INBOX_${user}`;
}

/** Every service user: admin, coordinator, one per actor role, gateway, client. */
export function serviceUsers(): string[] {
  return ["admin", "coordinator", ...BUILTIN_ROLES.map(actorUser), "gateway", "client"];
}

/** The permissions of `user` (one of {@link serviceUsers}); throws for an unknown name. */
export function permissionsOf(user: string): SubjectPermissions {
  if (user === "admin") return { publish: { allow: [">"] }, subscribe: { allow: [">"] } };
  return finish(grantsOf(user), user);
}

/** The users of a deployment, each with its password from `passwords` (one per {@link serviceUsers}). */
export function natsUsers(passwords: Readonly<Record<string, string>>): NatsUser[] {
  return serviceUsers().map((user) => {
    const password = passwords[user];
    if (!password) throw new Error(`no password given for NATS user '${user}'`);
    return { user, password, permissions: permissionsOf(user) };
  });
}

function grantsOf(user: string): Grants {
  if (user === "coordinator") return coordinatorGrants();
  if (user === "gateway") return gatewayGrants();
  if (user === "client") return clientGrants();
  const role = BUILTIN_ROLES.find((r) => actorUser(r) === user);
  if (role) return actorGrants(role);
  throw new Error(`unknown NATS user '${user}' (known: ${serviceUsers().join(", ")})`);
}

/** Consumes starts, signals, timers and events; publishes every internal subject; owns `sagas`. */
function coordinatorGrants(): Grants {
  const g = mergeGrants([kvGrants(Bucket.Sagas, "write"), kvGrants(Bucket.Ended, "write")]);
  // An ended record leaves `sagas` by a purge of its key (no delete marker left behind).
  g.publish.push(`${API}.STREAM.PURGE.${kvStream(Bucket.Sagas)}`);
  g.pulls.push(
    `${Stream.Workflows}/${Consumer.Starts}`,
    `${Stream.Workflows}/${Consumer.Signals}`,
    `${Stream.Timers}/${Consumer.Timers}`,
    `${Stream.History}/${Consumer.Events}`,
  );
  g.publish.push(
    ...BUILTIN_ROLES.map((r) => Subject.task(r)),
    Subject.allCancels,
    Subject.allStarts,
    Subject.allSignals,
    Subject.allTimers,
    Subject.allEvents,
    Subject.allLogs,
    Subject.allDlq,
  );
  g.reads.push(Stream.History);
  return g;
}

/**
 * Pulls and acks its own consumer, reports results, dead-letters its own tasks, hears cancels;
 * reads saga records and writes claims (the fence of task deliveries); says it is there on its
 * role's presence subject and answers presence pings.
 */
function actorGrants(role: Role): Grants {
  const g = mergeGrants([
    kvGrants(Bucket.Sagas, "read"),
    kvGrants(Bucket.Claims, "write"),
    role === "merger" ? kvGrants(Bucket.Forge, "write") : emptyGrants(),
    // The coder keeps its model tasks' transcripts and results; the architect its analysis reports.
    role === "coder" || role === "architect" ? objGrants(Bucket.Artifacts, "write") : emptyGrants(),
  ]);
  g.pulls.push(`${Stream.Tasks}/${Consumer.actor(role)}`);
  g.publish.push(Subject.event("*"), Subject.dlq(Subject.task(role)), Subject.presence(role));
  g.subscribe.push(Subject.allCancels, Subject.presencePing);
  g.responds = true;
  return g;
}

/**
 * The public API (the CLI, scripts; the gateway adds live updates): starts, signals, reading saga
 * records, history, DLQ; the forge; pinging the pools; reading one dead letter, replaying one
 * (a start or a signal) and deleting one.
 */
function clientGrants(): Grants {
  const g = mergeGrants([
    kvGrants(Bucket.Sagas, "read"),
    kvGrants(Bucket.Ended, "read"),
    kvGrants(Bucket.Forge, "write"),
    objGrants(Bucket.Artifacts, "read"),
  ]);
  g.publish.push(
    Subject.start("*"),
    Subject.signal("*"),
    ...REPLAYABLE_SUBJECTS,
    Subject.presencePing,
    `${API}.STREAM.MSG.GET.${Stream.Dlq}`,
    `${API}.STREAM.MSG.DELETE.${Stream.Dlq}`,
  );
  g.subscribe.push(Subject.allLogs);
  g.reads.push(Stream.History, Stream.Dlq);
  return g;
}

/**
 * The console: the client's rights, plus the core subscriptions its live pages and metrics
 * follow — writes of saga records (`sagas`, `ended`), events and logs, and the actors' presence.
 */
function gatewayGrants(): Grants {
  const g = clientGrants();
  g.subscribe.push(
    kvSubject(Bucket.Sagas),
    kvSubject(Bucket.Ended),
    Subject.allEvents,
    Subject.allLogs,
    Subject.allPresence,
  );
  return g;
}

/** One reply per request, within a minute (the server forgets requests never answered). */
const RESPONSES: ResponseRule = { max: 1, expires: "1m" };

function emptyGrants(): Grants {
  return { publish: [], subscribe: [], pulls: [], reads: [] };
}

function mergeGrants(grants: Grants[]): Grants {
  return {
    publish: grants.flatMap((g) => g.publish),
    subscribe: grants.flatMap((g) => g.subscribe),
    pulls: grants.flatMap((g) => g.pulls),
    reads: grants.flatMap((g) => g.reads),
  };
}

/** Reading a bucket: get (direct or stream message get) and key listings; writing adds puts. */
function kvGrants(bucket: string, access: "read" | "write"): Grants {
  const stream = kvStream(bucket);
  const publish = [
    `${API}.DIRECT.GET.${stream}.${kvKeys(bucket)}`,
    `${API}.STREAM.MSG.GET.${stream}`,
    `$JS.FC.${stream}.>`,
  ];
  if (access === "write") publish.push(kvKeys(bucket));
  return { publish, subscribe: [], pulls: [], reads: [stream] };
}

/**
 * Reading an object store: its meta records (message get, direct or not) and an ordered push
 * consumer over one object's chunks, delivered to the user's own inbox; writing adds the chunk
 * and meta subjects and the purge of a replaced object's chunks.
 */
function objGrants(bucket: string, access: "read" | "write"): Grants {
  const stream = objStream(bucket);
  const publish = [
    `${API}.STREAM.MSG.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}.>`,
    `${API}.CONSUMER.CREATE.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.*`,
    `${API}.CONSUMER.DELETE.${stream}.*`,
    `$JS.FC.${stream}.>`,
  ];
  if (access === "write") publish.push(`$O.${bucket}.C.>`, `$O.${bucket}.M.>`, `${API}.STREAM.PURGE.${stream}`);
  return { publish, subscribe: [], pulls: [], reads: [] };
}

/**
 * Adds what every service needs — replies on its own inbox prefix, JetStream account info, the INFO of
 * every stream and durable consumer (verify-only provisioning) — and turns pulls and reads into
 * API subjects. Nobody but admin may create or delete a durable consumer, or pull and ack a
 * durable consumer that is not its own on a stream where it may read.
 */
function finish(g: Grants, user: string): SubjectPermissions {
  const durables = consumerConfigs().map((c) => ({ stream: c.stream, name: c.config.durable_name }));
  const publish = [...verifyOnlySubjects(), ...g.publish];
  for (const pull of g.pulls) {
    const [stream, name] = pull.split("/");
    publish.push(`${API}.CONSUMER.MSG.NEXT.${stream}.${name}`, `$JS.ACK.${stream}.${name}.>`);
  }
  const deny: string[] = [];
  for (const stream of g.reads) {
    publish.push(...readSubjects(stream));
    for (const d of durables.filter((c) => c.stream === stream)) {
      deny.push(
        `${API}.CONSUMER.CREATE.${stream}.${d.name}`,
        `${API}.CONSUMER.CREATE.${stream}.${d.name}.>`,
        `${API}.CONSUMER.DELETE.${stream}.${d.name}`,
      );
      if (!g.pulls.includes(`${stream}/${d.name}`))
        deny.push(`${API}.CONSUMER.MSG.NEXT.${stream}.${d.name}`, `$JS.ACK.${stream}.${d.name}.>`);
    }
  }
  return {
    publish: { allow: unique(publish), ...(deny.length ? { deny: unique(deny) } : {}) },
    subscribe: { allow: unique([`${inboxPrefixOf(user)}.>`, ...g.subscribe]) },
    ...(g.responds ? { allow_responses: RESPONSES } : {}),
  };
}

/**
 * Ephemeral ordered consumers on `stream`: pull ones with these filters on HISTORY (`show`,
 * reset) and unfiltered on DLQ, push ones (key listings, delivered to `_INBOX`) on buckets.
 */
function readSubjects(stream: string): string[] {
  const pulled: Record<string, string[]> = {
    [Stream.History]: [Subject.allEvents, Subject.allLogs],
    [Stream.Dlq]: [""],
  };
  const buckets = Object.fromEntries(bucketConfigs().map((b) => [kvStream(b.name), kvKeys(b.name)]));
  const manage = [`${API}.CONSUMER.INFO.${stream}.*`, `${API}.CONSUMER.DELETE.${stream}.*`];
  const filters = pulled[stream];
  if (filters) {
    const create = filters.map((f) => `${API}.CONSUMER.CREATE.${stream}.*${f ? `.${f}` : ""}`);
    return [...create, ...manage, `${API}.CONSUMER.MSG.NEXT.${stream}.*`];
  }
  const keys = buckets[stream];
  // Key listings (push) and the pages of `list` (pull) read a bucket's stream with ordered consumers.
  if (keys) return [`${API}.CONSUMER.CREATE.${stream}.*.${keys}`, ...manage, `${API}.CONSUMER.MSG.NEXT.${stream}.*`];
  throw new Error(`no read grants defined for stream ${stream}`);
}

/** The read-only API subjects `provision(…, {verifyOnly: true})` uses. */
export function verifyOnlySubjects(): string[] {
  const streams = [
    ...streamConfigs().map((s) => s.name),
    ...bucketConfigs().map((b) => kvStream(b.name)),
    objStream(Bucket.Artifacts),
  ];
  return [
    `${API}.INFO`,
    ...streams.map((s) => `${API}.STREAM.INFO.${s}`),
    ...consumerConfigs().map((c) => `${API}.CONSUMER.INFO.${c.stream}.${c.config.durable_name}`),
  ];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The nats-server configuration for `users`: an `authorization` block only (JetStream is
 * enabled by `-js` on the command line, or by the operator's own `jetstream {}` block).
 */
export function serverConfig(users: readonly NatsUser[]): string {
  const lines = [
    "# patchbay: one NATS user per service (generated by `patchbay nats-config`; regenerate, do not edit).",
    "# Holds passwords: keep this file readable by the nats-server user only.",
    "authorization {",
    "  users = [",
    ...users.flatMap((u) => userBlock(u)),
    "  ]",
    "}",
    "",
  ];
  return lines.join("\n");
}

/** One user, one subject per line so a review can read what each service may do. */
function userBlock(u: NatsUser): string[] {
  const list = (name: string, values: readonly string[]) => [
    `          ${name}: [`,
    ...values.map((v) => `            ${JSON.stringify(v)}`),
    "          ]",
  ];
  const rule = (name: string, r: SubjectRule) => [
    `        ${name}: {`,
    ...list("allow", r.allow),
    ...(r.deny ? list("deny", r.deny) : []),
    "        }",
  ];
  return [
    "    {",
    `      user: ${JSON.stringify(u.user)}`,
    `      password: ${JSON.stringify(u.password)}`,
    "      permissions: {",
    ...rule("publish", u.permissions.publish),
    ...rule("subscribe", u.permissions.subscribe),
    ...responsesLine(u.permissions.allow_responses),
    "      }",
    "    }",
  ];
}

function responsesLine(r: ResponseRule | undefined): string[] {
  return r ? [`        allow_responses: { max: ${r.max}, expires: ${JSON.stringify(r.expires)} }`] : [];
}
