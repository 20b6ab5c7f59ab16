// The diagnoser role on real parts: gather against local Prometheus and Loki servers speaking
// their real JSON formats, a log file, an unreachable source (reported, not fatal), the sample
// service repository's recent changes and limit configs (a real git repo); and the three
// offline methods on the seed's two examples and on log fixtures, through the bindings as the
// actor host runs them.
import test, { type ExecutionContext } from "ava";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { diagnoserBindings, type DiagnoserPorts } from "../actors/diagnoser/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import type { Alert, Diagnosis, IncidentContext } from "../protocol/incident.ts";
import { SEED_ALERTS, createServiceRepo } from "../services/demo/service-repo.ts";
import { git, tempDir } from "./helpers/git-repo.ts";
import {
  closedUrl,
  startLoki,
  startPrometheus,
  type LokiStream,
  type PromSeries,
} from "./helpers/observability-servers.ts";
import { PATCHBAY_AUTHOR, rawHandler, taskContext } from "./helpers/repos.ts";

/** 2024-01-15T14:32:00Z in unix seconds. */
const ALERT_S = 1705329120;
const POOL_CAUSE = "Connection pool too small for traffic";

interface Setup {
  repo: string;
  log: string[];
  gather: (input: unknown) => Promise<IncidentContext>;
  diagnose: (agent: string, method: string, context: IncidentContext) => Promise<Diagnosis>;
}

/** The sample service repository, and the bindings on real workspaces in a temp cache. */
async function setup(t: ExecutionContext): Promise<Setup> {
  const dir = await tempDir(t, "patchbay-diagnoser-");
  const repo = await createServiceRepo(join(dir, "api-service"));
  const log: string[] = [];
  const ports: DiagnoserPorts = {
    workspaces: createWorkspaces({ cacheDir: join(dir, "cache"), author: PATCHBAY_AUTHOR }),
    fetch,
    now: Date.now,
    log: (line) => log.push(line),
  };
  const [gather, diagnose] = diagnoserBindings(ports).map(rawHandler);
  return {
    repo,
    log,
    gather: async (input) => (await gather(input, taskContext("incident.gather"))) as IncidentContext,
    diagnose: async (agent, method, context) =>
      (await diagnose({ agent, method, context }, taskContext("incident.diagnose"))) as Diagnosis,
  };
}

/** A context with only `alert` and `logs`, as gather would give it. */
function logContext(alert: Alert, logs: IncidentContext["logs"]): IncidentContext {
  return { alert, metrics: {}, series: [], logs, changes: [], configs: [], sources: [] };
}

/** `[seconds, "value"]` points a minute apart from `from`. */
const points = (from: number, values: number[]) => values.map((v, i): [number, string] => [from + i * 60, String(v)]);
/** Two series of one query: one with a point an hour before the window, one ending in NaN. */
const PG_ACTIVE: PromSeries[] = [
  { metric: { instance: "db-a" }, values: points(ALERT_S - 3600, [40]).concat(points(ALERT_S - 120, [90, 95, 100])) },
  {
    metric: { instance: "db-b" },
    values: [
      [ALERT_S - 60, "70"],
      [ALERT_S, "NaN"],
    ],
  },
];
/** One stream with a line an hour before the window and one in it. */
const API_LOGS: LokiStream[] = [
  {
    stream: { app: "api-service", level: "error" },
    values: [
      [`${(ALERT_S - 3600) * 1e9}`, "an hour before: outside the window"],
      [`${(ALERT_S - 30) * 1e9}`, "timeout acquiring a connection from the pool after 5000ms"],
    ],
  },
];

test("gather: Prometheus series and their latest values, Loki lines, in their real formats around the alert", async (t) => {
  const s = await setup(t);
  const prometheus = await startPrometheus(t, { "sum by (instance) (pg_active)": PG_ACTIVE });
  const loki = await startLoki(t, '{app="api-service"}', API_LOGS);
  const context = await s.gather({
    alert: SEED_ALERTS.poolExhausted,
    repo: s.repo,
    base: "main",
    sources: {
      prometheus: { url: prometheus.url, queries: { pg_active: "sum by (instance) (pg_active)" }, window_minutes: 30 },
      loki: { url: loki.url, query: '{app="api-service"}', window_minutes: 30 },
    },
  });
  t.is(context.metrics.pg_active, 100, "the highest latest value of the query's series");
  t.is(context.metrics.active_connections, 100, "the alert's own metrics are kept");
  t.deepEqual(
    context.series.map((x) => [x.name, x.labels.instance, x.points.length]),
    [
      ["pg_active", "db-a", 3],
      ["pg_active", "db-b", 1],
    ],
    "points outside the window were not asked for; NaN is left out",
  );
  const asked = prometheus.requests[0].searchParams;
  t.is(Number(asked.get("start")), ALERT_S - 30 * 60);
  t.is(Number(asked.get("end")), ALERT_S + 5 * 60);
  t.true(Number(asked.get("step")) >= 15);
  t.deepEqual(context.logs, [
    {
      timestamp: "2024-01-15T14:31:30.000Z",
      level: "error",
      message: "timeout acquiring a connection from the pool after 5000ms",
      source: "loki",
    },
  ]);
  t.is(loki.requests[0].searchParams.get("start"), `${(ALERT_S - 30 * 60) * 1e9}`, "nanoseconds");
  t.like(context.sources, [
    { source: "prometheus", status: "ok" },
    { source: "loki", status: "ok" },
    { source: "repository", status: "ok" },
    { source: "log_files", status: "not_configured" },
  ]);
});

test("gather: an unreachable source and a refused query are reported with their errors, not fatal", async (t) => {
  const s = await setup(t);
  const prometheus = await startPrometheus(t, { up: [{ metric: {}, values: [[ALERT_S, "1"]] }] });
  const context = await s.gather({
    alert: SEED_ALERTS.poolExhausted,
    repo: s.repo,
    base: "main",
    sources: {
      prometheus: { url: prometheus.url, queries: { up: "up", broken: "rate(" } },
      loki: { url: await closedUrl(), query: '{app="x"}' },
    },
  });
  const [prom, loki] = context.sources;
  t.like(prom, { source: "prometheus", status: "unreachable" });
  t.regex(prom.detail ?? "", /broken: HTTP 400: parse error: rate\(/);
  t.is(context.metrics.up, 1, "the query that answered is kept");
  t.like(loki, { source: "loki", status: "unreachable" });
  t.regex(loki.detail ?? "", /fetch failed: .*ECONNREFUSED/);
  t.true(context.changes.length > 0, "the repository is still read");
  t.regex(s.log.join("\n"), /unreachable: prometheus, loki/);
});

test("gather: a repository that cannot be cloned fails the task", async (t) => {
  const s = await setup(t);
  const input = { alert: SEED_ALERTS.poolExhausted, repo: join(s.repo, "..", "missing"), base: "main", sources: {} };
  const err = await t.throwsAsync(s.gather(input));
  t.is((err as { code?: string }).code, "REPO_NOT_FOUND");
});

test("gather: log files, relative to the repository or absolute, keep the lines of the window", async (t) => {
  const s = await setup(t);
  const lines = [
    "2024-01-15T13:00:00Z ERROR an old failure",
    "2024-01-15 14:20:05,120 ERROR timeout acquiring a connection from the pool after 5000ms",
    '{"time":"2024-01-15T14:31:00Z","level":"ERROR","msg":"too many clients already"}',
    "no timestamp WARN kept as it is",
    "2024-01-15T15:00:00Z INFO after the window",
  ];
  const absolute = join(s.repo, "..", "app.log");
  await writeFile(absolute, lines.join("\n"));
  await writeFile(join(s.repo, "service.log"), lines.slice(0, 2).join("\n"));
  await git(s.repo, "add", "service.log");
  await git(s.repo, "commit", "--quiet", "-m", "a log file in the repository");
  const log_files = [absolute, "service.log", "missing.log", "../../outside.log"];
  const context = await s.gather({
    alert: SEED_ALERTS.poolExhausted,
    repo: s.repo,
    base: "main",
    sources: { log_files },
  });
  const fromAbsolute = context.logs.filter((l) => l.source === absolute);
  t.deepEqual(
    fromAbsolute.map((l) => [l.timestamp, l.level, l.message]),
    [
      ["2024-01-15T14:20:05.120Z", "error", "ERROR timeout acquiring a connection from the pool after 5000ms"],
      ["2024-01-15T14:31:00.000Z", "error", "too many clients already"],
      [undefined, "warn", "no timestamp WARN kept as it is"],
    ],
  );
  t.is(context.logs.filter((l) => l.source === "service.log").length, 1);
  const reports = Object.fromEntries(context.sources.map((r) => [r.source, r]));
  t.like(reports[`log_file:${absolute}`], { status: "ok", detail: "3 of 5 lines in the window" });
  t.like(reports["log_file:missing.log"], { status: "unreachable" });
  t.regex(reports["log_file:../../outside.log"].detail ?? "", /leaves the repository/);
});

test("gather: the sample repository's changes of the week before the alert, with config diffs, and its limit configs", async (t) => {
  const s = await setup(t);
  const context = await s.gather({ alert: SEED_ALERTS.poolExhausted, repo: s.repo, base: "main", sources: {} });
  t.deepEqual(
    context.changes.map((c) => [c.date, c.subject, c.files]),
    [
      [
        "2024-01-15T09:10:00+00:00",
        "Lower the database pool to 100 connections (DB cost review)",
        [".env", "config/database.yaml"],
      ],
      ["2024-01-12T16:20:00+00:00", "Add the bulk export endpoint", ["src/export.js"]],
    ],
    "the first commit (Jan 8) is more than 7 days before",
  );
  t.regex(context.changes[0].config_diff ?? "", /-\s+max_connections: 150[^\n]*\n\+\s+max_connections: 100/);
  t.is(context.changes[1].config_diff, undefined, "a code-only change has no config diff");
  t.deepEqual(
    context.configs.map((c) => c.file),
    [".env", "config/database.yaml"],
    "package.json sets no limit",
  );
  t.like(context.sources, [{ status: "not_configured" }, { status: "not_configured" }, { source: "repository" }]);
});

const METHODS = ["saturation", "log-clustering", "change-correlation"] as const;

/** The three offline methods on the gathered context of `alert` in the sample repository. */
async function diagnoseAll(t: ExecutionContext, alert: Alert): Promise<Record<string, Diagnosis>> {
  const s = await setup(t);
  const context = await s.gather({ alert, repo: s.repo, base: "main", sources: {} });
  const answers = await Promise.all(METHODS.map((m) => s.diagnose(`agent-${m}`, m, context)));
  return Object.fromEntries(answers.map((d) => [d.method, d]));
}

test("seed example 1: saturation and change-correlation both find the pool, in the same words, mean ≥ 0.70", async (t) => {
  const d = await diagnoseAll(t, SEED_ALERTS.poolExhausted);
  for (const method of ["saturation", "change-correlation"]) {
    t.like(d[method], { category: "connection-pool", root_cause: POOL_CAUSE }, method);
  }
  t.true((d.saturation.confidence + d["change-correlation"].confidence) / 2 >= 0.7);
  t.true(d.saturation.evidence.includes("active_connections 100 of max_connections 100 (100%)"));
  t.true(d.saturation.evidence.includes(".env sets DB_POOL_MAX: 100, config/database.yaml sets max_connections: 100"));
  t.true(d["change-correlation"].evidence.includes("config/database.yaml: max_connections 150 → 100 (lowered)"));
  t.regex(d["change-correlation"].evidence[0], /^[0-9a-f]{7} "Lower the database pool.*" 5\.4 h before the alert/);
  t.like(d["log-clustering"], { category: "unknown", root_cause: "no log-clustering evidence", confidence: 0 });
});

test("seed example 2: no metrics, no logs, an unrelated pool change: no method is confident", async (t) => {
  const d = await diagnoseAll(t, SEED_ALERTS.latency);
  t.like(d.saturation, { category: "unknown", root_cause: "no saturation evidence", confidence: 0 });
  t.like(d["log-clustering"], { category: "unknown", confidence: 0 });
  t.true(d["change-correlation"].confidence < 0.5, `${d["change-correlation"].confidence}`);
  t.false(d["change-correlation"].evidence.some((e) => e.startsWith("the alert is about")));
});

test("saturation: confidence follows the ratio; below 80 % there is no evidence; a limit may come from a config", async (t) => {
  const s = await setup(t);
  const at = (metrics: Record<string, number>, configs: IncidentContext["configs"] = []) =>
    s.diagnose("a", "saturation", { ...logContext(SEED_ALERTS.latency, []), metrics, configs });
  const full = await at({ active_connections: 100, max_connections: 100 });
  const high = await at({ active_connections: 90, max_connections: 100 });
  t.is(full.confidence, 0.8, "100 %, the alert names no pool: 0.8");
  t.is(high.confidence, 0.6, "90 %: 0.4 + 2 × 0.1");
  const low = await at({ active_connections: 50, max_connections: 100 });
  t.like(low, { category: "unknown", confidence: 0, evidence: ["active_connections 50 of max_connections 100 (50%)"] });
  const memory = await at({ memory_percent: 97 });
  t.like(memory, { category: "memory-limit", root_cause: "Memory limit too low for the workload", confidence: 0.74 });
  const fromConfig = await at({ active_connections: 100 }, [{ file: ".env", text: "DB_POOL_MAX=100\n" }]);
  t.deepEqual(fromConfig.evidence, ["active_connections 100 of DB_POOL_MAX (.env) 100 (100%)"]);
});

/** An ISO time `minutes` before the seed's alert. */
const before = (minutes: number) =>
  new Date(Date.parse(SEED_ALERTS.poolExhausted.timestamp) - minutes * 60_000).toISOString();

test("log-clustering: a new error group in the alert window is found among older ones, its placeholders normalised", async (t) => {
  const s = await setup(t);
  const old = (m: number, order: number) => ({
    timestamp: before(m),
    level: "error",
    message: `payment provider answered 502 for order ${order}`,
    source: "loki",
  });
  const pool = (m: number, ms: number, req: string, ip: string) => ({
    timestamp: before(m),
    level: "error",
    message: `timeout acquiring a connection from the pool after ${ms}ms (request ${req}, db ${ip}:5432)`,
    source: "loki",
  });
  const logs = [
    old(20, 1),
    old(12, 2),
    old(3, 3),
    { timestamp: before(10), level: "info", message: "GET /orders 200", source: "loki" },
    pool(4, 5000, "req-8812", "10.0.3.7"),
    pool(2, 5001, "req-9f3a2", "10.0.3.8"),
    pool(1, 4999, "req-77", "10.0.3.7"),
    pool(0.5, 5000, "req-1", "10.0.3.9"),
  ];
  const d = await s.diagnose("a", "log-clustering", logContext(SEED_ALERTS.poolExhausted, logs));
  t.like(d, { category: "connection-pool", root_cause: POOL_CAUSE });
  t.regex(
    d.evidence[0],
    /^new error group: "timeout acquiring a connection from the pool after <duration> \(request <id>, db <ip>\)" ×4 in the window, ×0 before \(first 2024-01-15T14:28:00\.000Z\), 80% of the window's 5 error lines$/,
  );
  t.is(d.confidence, 0.79, "0.3 new + 0.3 known signature + 0.3 × 0.8 × min(1, 4 / 5)");
});

test("log-clustering: ids, hex, quoted strings, IPs and numbers are placeholders; without timestamps the largest group answers", async (t) => {
  const s = await setup(t);
  const lines = [
    `ERROR upstream 10.1.2.3:8080 connection refused for user "alice" request req-42 trace 9f8e7d6c5b4a (attempt 1)`,
    `ERROR upstream 10.1.2.4:8080 connection refused for user 'bob' request req_7 trace 0xdeadbeef (attempt 2)`,
    `ERROR upstream 10.9.9.9:80 connection refused for user "c" request 123e4567-e89b-12d3-a456-426614174000 trace 00ff00ff00 (attempt 3)`,
    "ERROR disk almost full",
  ].map((message) => ({ message, source: "alert" }));
  const d = await s.diagnose("a", "log-clustering", logContext(SEED_ALERTS.latency, lines));
  t.like(d, { category: "dependency", root_cause: "An upstream dependency is failing" });
  t.regex(
    d.evidence[0],
    /^largest error group: "ERROR upstream <ip> connection refused for user <str> request <id> trace <hex> \(attempt <num>\)" ×3/,
  );
  t.is(d.confidence, 0.54, "0.1 largest + 0.3 known + 0.3 × 0.75 × min(1, 3 / 5)");
});

test("log-clustering: errors that were already there before the window are no evidence", async (t) => {
  const s = await setup(t);
  const logs = [20, 1].map((m) => ({ timestamp: before(m), level: "error", message: "cache miss storm", source: "x" }));
  const d = await s.diagnose("a", "log-clustering", logContext(SEED_ALERTS.poolExhausted, logs));
  t.like(d, { category: "unknown", root_cause: "no log-clustering evidence", confidence: 0 });
  t.regex(d.evidence[0], /^no error group new since 2024-01-15T14:27:00\.000Z/);
});

test("change-correlation: an older code-only change weighs less than a recent config change", async (t) => {
  const s = await setup(t);
  const change = (hours: number, config_diff?: string) => ({
    sha: "a".repeat(40),
    date: new Date(Date.parse(SEED_ALERTS.poolExhausted.timestamp) - hours * 3_600_000).toISOString(),
    author: "dev",
    subject: "a change",
    files: ["x"],
    ...(config_diff ? { config_diff } : {}),
  });
  const run = (c: ReturnType<typeof change>) =>
    s.diagnose("a", "change-correlation", { ...logContext(SEED_ALERTS.poolExhausted, []), changes: [c] });
  const code = await run(change(24));
  t.like(code, { category: "bad-change", root_cause: "A recent change broke the service", confidence: 0.15 });
  const raised = await run(change(0, "+++ b/app.yaml\n-  pool_size: 10\n+  pool_size: 20\n"));
  t.like(raised, { category: "bad-change", confidence: 0.7 }, "it changes the pool the alert names, but raises it");
  t.is(raised.evidence[1], "app.yaml: pool_size 10 → 20");
  const after = await run(change(-1));
  t.like(after, { category: "unknown", confidence: 0 }, "a change after the alert is not a cause");
});

test("model: without a model configured, MODEL_NOT_CONFIGURED", async (t) => {
  const s = await setup(t);
  const err = await t.throwsAsync(s.diagnose("a", "model", logContext(SEED_ALERTS.poolExhausted, [])));
  t.is((err as { code?: string }).code, "MODEL_NOT_CONFIGURED");
});
