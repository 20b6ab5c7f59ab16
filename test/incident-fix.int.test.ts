// Scenario: the coder's incident.fix handler, run as the actor host runs it, on real git
// repositories. On the sample service (samples/api-service, its pool lowered to 100 before the
// alert), a connection-pool consensus raises the pool to 200 in config/database.yaml and .env
// (every other byte kept), adds an alert rule after the existing one in monitoring/alerts.yml and
// a section to docs/runbooks/database.md, in one commit with patchbay's identity after which the
// service's own `npm test` passes; a redelivery returns the same output without a second commit.
// A category the repository has no setting for, or the catalogue no entry for, is NO_REMEDIATION
// with nothing pushed. JSON (4-space indented) and .env files are edited in place, and the
// timeout and memory entries on small repositories: each value doubled within its cap, the rule
// appended to the service's group of a rule file with another group after it. docs/incident.md's
// catalogue has a row for every entry.
import test, { type ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { fixBinding, NO_REMEDIATION, REMEDIATIONS } from "../actors/coder/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import type { FixInput, FixOutput } from "../protocol/incident-swarm.ts";
import type { CauseCategory } from "../protocol/incident.ts";
import { createServiceRepo } from "../services/demo/service-repo.ts";
import { SAMPLES_DIR } from "../services/demo/samples.ts";
import { git, initRepo, PATCHBAY_AUTHOR, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const ALERT = {
  id: "alert-001",
  severity: "critical" as const,
  service: "api-service",
  message: "Database connection pool exhausted",
  timestamp: "2024-01-15T14:32:00Z",
  metrics: { active_connections: 100, max_connections: 100 },
};
const CAUSE = "Connection pool too small for traffic";

function fixInput(repo: string, category: CauseCategory, branch = "hotfix/alert-001"): FixInput {
  return {
    repo,
    base: "main",
    branch,
    alert: ALERT,
    consensus: {
      root_cause: CAUSE,
      category,
      confidence: 0.88,
      supporting_diagnoses: ["agent-1", "agent-2"],
      conflicting_diagnoses: ["agent-3"],
      missing: [],
      rule: "majority",
    },
    diagnoses: [
      {
        agent: "agent-1",
        method: "saturation",
        root_cause: CAUSE,
        category,
        confidence: 0.85,
        evidence: ["active_connections 100 of max_connections 100 (100%)"],
      },
    ],
    context: { alert: ALERT, metrics: {}, series: [], logs: [], changes: [], configs: [], sources: [] },
  };
}

async function setup(prefix: string) {
  const root = await tempDir(prefix, (fn) => cleanups.push(fn));
  const workspaces = createWorkspaces({
    cacheDir: join(root, "cache"),
    author: PATCHBAY_AUTHOR,
    allowEnvironment: ["GIT_CONFIG_NOSYSTEM"],
  });
  return { root, fix: rawHandler(fixBinding({ workspaces, log: () => undefined })) };
}

const sample = (file: string) => readFile(join(SAMPLES_DIR, "api-service", file), "utf8");
const run = (cmd: string, args: string[], cwd: string) =>
  new Promise<{ code: number; out: string }>((resolve) =>
    execFile(cmd, args, { cwd }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );

type Show = (file: string) => Promise<string>;
const BRANCH = "hotfix/alert-001";

test("the sample's pool becomes 200 in both files, with an alert rule, a runbook section and one commit", async (t) => {
  const { root, fix } = await setup("patchbay-incident-fix-");
  const origin = await createServiceRepo(join(root, "origin"));
  const input = fixInput(origin, "connection-pool");
  const output = (await fix(input, taskContext("incident.fix"))) as FixOutput;
  t.log(output.summary);
  const show: Show = (file) => git(origin, "show", `${BRANCH}:${file}`).then((text) => `${text}\n`);

  t.deepEqual(output.changes, [
    { file: ".env", setting: "DB_POOL_MAX", from: "100", to: "200" },
    { file: "config/database.yaml", setting: "database.pool.max_connections", from: "100", to: "200" },
  ]);
  t.is(await show(".env"), (await sample(".env")).replace("DB_POOL_MAX=100", "DB_POOL_MAX=200"));
  t.is(
    await show("config/database.yaml"),
    (await sample("config/database.yaml")).replace("max_connections: 100 #", "max_connections: 200 #"),
  );
  t.like(output, {
    branch: BRANCH,
    base_sha: await git(origin, "rev-parse", "main"),
    commit_sha: await git(origin, "rev-parse", BRANCH),
    monitoring: "monitoring/alerts.yml",
    runbook: "docs/runbooks/database.md",
  });
  t.deepEqual(output.files_changed, [
    ".env",
    "config/database.yaml",
    "docs/runbooks/database.md",
    "monitoring/alerts.yml",
  ]);
  t.regex(output.summary, /from 100 to 200 \(doubled, within the limit of 500 stated in config\/database\.yaml\)/);
  await ruleAdded(t, show);
  await runbookSection(t, show);
  await oneCommit(t, origin);
  await serviceTestsPass(t, root, origin);

  const again = (await fix(input, taskContext("incident.fix"))) as FixOutput;
  t.deepEqual(again, output, "a redelivery returns the same output");
  t.is(await git(origin, "rev-list", "--count", `main..${BRANCH}`), "1", "and commits nothing");
});

/** The new rule follows the sample's rule, which is kept byte for byte. */
async function ruleAdded(t: ExecutionContext, show: Show): Promise<void> {
  const rules = await show("monitoring/alerts.yml");
  t.true(rules.startsWith(await sample("monitoring/alerts.yml")), "the existing rule is kept byte for byte");
  const [kept, added] = parse(rules).groups[0].rules;
  t.deepEqual(kept, parse(await sample("monitoring/alerts.yml")).groups[0].rules[0]);
  t.like(added, {
    alert: "ApiServiceDbPoolSaturation",
    expr: 'max by (service)(db_pool_active_connections{service="api-service"}) / max by (service)(db_pool_max_connections{service="api-service"}) > 0.9',
    for: "5m",
    labels: { severity: "high", patchbay_incident: "alert-001" },
  });
  t.regex(added.annotations.runbook_url, /^docs\/runbooks\/database\.md#alert-alert-001-connection-pool-too-small/);
}

async function runbookSection(t: ExecutionContext, show: Show): Promise<void> {
  const runbook = await show("docs/runbooks/database.md");
  t.true(runbook.startsWith(await sample("docs/runbooks/database.md")));
  t.regex(runbook, /\n## Alert alert-001: Connection pool too small for traffic\n/);
  for (const part of ["### Symptoms", "### Evidence", "### Change", "### How to check", "### Roll back"])
    t.true(runbook.includes(part), part);
  t.true(runbook.includes("`config/database.yaml`: `database.pool.max_connections` 100 → 200"));
}

async function oneCommit(t: ExecutionContext, origin: string): Promise<void> {
  t.is(await git(origin, "rev-list", "--count", `main..${BRANCH}`), "1");
  const [who, subject, body] = (await git(origin, "log", "-1", "--format=%an <%ae>%x00%s%x00%b", BRANCH)).split("\0");
  t.is(who, `${PATCHBAY_AUTHOR.name} <${PATCHBAY_AUTHOR.email}>`);
  t.is(subject, `hotfix(api-service): ${CAUSE}`);
  t.regex(body, /- \.env: DB_POOL_MAX 100 -> 200\n/);
  t.regex(body, /Patchbay-Task: wf-test\/1\/t1$/);
}

/**
 * The service's own tests on a clone of the branch. Its `npm test` is `node --test test/`, which
 * Node 22+ reads as a file name; with no argument node --test runs the same files on every version.
 */
async function serviceTestsPass(t: ExecutionContext, root: string, origin: string): Promise<void> {
  const clone = join(root, "clone");
  await git(root, "clone", "--quiet", "--branch", BRANCH, origin, clone);
  const tests = await run(process.execPath, ["--test"], clone);
  t.is(tests.code, 0, tests.out);
  t.regex(tests.out, /pass 4/);
}

test("no setting for the category, or no catalogue entry: NO_REMEDIATION and nothing pushed", async (t) => {
  const { root, fix } = await setup("patchbay-incident-none-");
  const origin = await createServiceRepo(join(root, "origin"));
  const retries = await t.throwsAsync(fix(fixInput(origin, "retries"), taskContext("incident.fix")));
  t.is((retries as { code?: string }).code, NO_REMEDIATION);
  t.regex(retries?.message ?? "", /no retry count setting found in the repository's \d+ configuration files/);
  const unknown = await t.throwsAsync(fix(fixInput(origin, "bad-change"), taskContext("incident.fix")));
  t.is((unknown as { code?: string }).code, NO_REMEDIATION);
  t.regex(unknown?.message ?? "", /no remediation for the cause category bad-change/);
  t.is(await git(origin, "ls-remote", origin, "refs/heads/hotfix/alert-001"), "");
});

test("a JSON config (4-space indented) and a .env are edited in place; no rule file gives a new one", async (t) => {
  const { root, fix } = await setup("patchbay-incident-json-");
  const origin = join(root, "origin");
  const json =
    '{\n    "db": {\n        "host": "db.internal",\n        "poolSize": 20\n    },\n    "name": "orders"\n}\n';
  const env = '# the pool, per instance\nexport POOL_MAX="20" # see config/app.json\nOTHER=1\n';
  await initRepo(origin, { "config/app.json": json, ".env": env, "package.json": '{ "name": "orders" }\n' });
  const output = (await fix(fixInput(origin, "connection-pool"), taskContext("incident.fix"))) as FixOutput;
  const show: Show = (file) => git(origin, "show", `${BRANCH}:${file}`).then((text) => `${text}\n`);
  t.deepEqual(output.changes, [
    { file: ".env", setting: "POOL_MAX", from: "20", to: "40" },
    { file: "config/app.json", setting: "db.poolSize", from: "20", to: "40" },
  ]);
  t.is(await show("config/app.json"), json.replace('"poolSize": 20', '"poolSize": 40'));
  t.is(await show(".env"), env.replace('POOL_MAX="20"', 'POOL_MAX="40"'));
  t.is(output.monitoring, "monitoring/patchbay-alert-001.yml");
  t.like(parse(await show(output.monitoring)), { groups: [{ name: "patchbay-api-service" }] });
  t.is(output.runbook, "docs/runbooks/database.md");
  t.regex(await show(output.runbook), /^# Runbook: api-service connection pool\n\n## Alert alert-001/);
});

test("timeouts double within a limit stated in another unit; bare numbers take their unit from the key", async (t) => {
  const { root, fix } = await setup("patchbay-incident-timeout-");
  const origin = join(root, "origin");
  const yaml =
    "server:\n  request_timeout: 30s # the upstream allows up to 45s\n  idle_timeout_ms: 5000\n  connect_timeout_ms: 500\n  workers: 4\n";
  await initRepo(origin, { "config/http.yaml": yaml, ".env": "HTTP_TIMEOUT_MS=3000 # the client's\n", ...RULES });
  const output = (await fix(fixInput(origin, "timeout"), taskContext("incident.fix"))) as FixOutput;
  t.deepEqual(output.changes, [
    { file: ".env", setting: "HTTP_TIMEOUT_MS", from: "3000", to: "6000" },
    { file: "config/http.yaml", setting: "server.request_timeout", from: "30s", to: "45s" },
    { file: "config/http.yaml", setting: "server.idle_timeout_ms", from: "5000", to: "10000" },
    { file: "config/http.yaml", setting: "server.connect_timeout_ms", from: "500", to: "1000" },
  ]);
  const show = (file: string) => git(origin, "show", `${BRANCH}:${file}`).then((text) => `${text}\n`);
  t.is(
    await show("config/http.yaml"),
    yaml.replace("30s #", "45s #").replace("5000", "10000").replace(": 500\n", ": 1000\n"),
  );
  t.is(await show(".env"), "HTTP_TIMEOUT_MS=6000 # the client's\n");
  t.regex(output.summary, /within the limit of 45s stated in config\/http\.yaml/);
  t.is(output.monitoring, "prometheus/rules.yaml");
  const added = [
    "      - alert: ApiServiceLatencyNearTimeout",
    '        expr: histogram_quantile(0.99, sum by (le)(rate(http_request_duration_seconds_bucket{service="api-service"}[5m]))) > 0.8',
    "        for: 5m",
  ].join("\n");
  const rules = RULES["prometheus/rules.yaml"];
  const at = rules.indexOf("  # other teams");
  t.true((await show(output.monitoring)).startsWith(`${rules.slice(0, at)}${added}\n`));
  t.true((await show(output.monitoring)).endsWith(`\n${rules.slice(at)}`), "the next group is kept");
});

/** A rule file whose service group is not the last one. */
const RULES = {
  "prometheus/rules.yaml":
    'groups:\n  - name: api-service\n    rules:\n      - alert: Up\n        expr: up == 0 # down\n  # other teams\n  - name: billing\n    rules:\n      - alert: BillingDown\n        expr: up{job="billing"} == 0\n',
};

test("memory limits double, requests stay, and --max-old-space-size inside NODE_OPTIONS too", async (t) => {
  const { root, fix } = await setup("patchbay-incident-memory-");
  const origin = join(root, "origin");
  const deploy = "resources:\n  requests:\n    memory: 256Mi\n  limits:\n    memory: '512Mi'\n";
  const env = 'NODE_OPTIONS="--max-old-space-size=384 --enable-source-maps"\n';
  await initRepo(origin, { "deploy/app.yaml": deploy, ".env": env });
  const output = (await fix(fixInput(origin, "memory-limit"), taskContext("incident.fix"))) as FixOutput;
  t.deepEqual(output.changes, [
    { file: ".env", setting: "NODE_OPTIONS --max-old-space-size", from: "384", to: "768" },
    { file: "deploy/app.yaml", setting: "resources.limits.memory", from: "512Mi", to: "1024Mi" },
  ]);
  t.is(await git(origin, "show", `${BRANCH}:deploy/app.yaml`), deploy.replace("'512Mi'", "'1024Mi'").trimEnd());
  t.is(await git(origin, "show", `${BRANCH}:.env`), env.replace("=384", "=768").trimEnd());
  t.is(output.runbook, "docs/runbooks/memory.md");
});

test("docs/incident.md's catalogue has a row for every entry, with its rule", async (t) => {
  const doc = await readFile(new URL("../docs/incident.md", import.meta.url), "utf8");
  for (const entry of REMEDIATIONS) {
    const rows = doc.split("\n").filter((line) => line.startsWith(`| \`${entry.category}\` `));
    t.true(
      rows.some((row) => row.split("|").some((cell) => cell.trim() === entry.rule)),
      entry.category,
    );
  }
});
