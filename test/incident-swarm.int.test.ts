// incident-swarm end to end on a real nats-server, its roles in-process with their real ports
// (services/role-ports.ts: git workspaces, the sandbox, the local forge), on the sample service
// repository (samples/api-service with its dated history): the seed's example 1 gives three
// diagnoses, consensus ≥ 0.70 on the pool, a hotfix PR raising it to 200 with an alert rule and
// a runbook section whose tests pass, the merge after `approve`, the verification and a
// postmortem; example 2 finds no confident cause and opens a manual issue, with a postmortem
// and no fix; with three replicas the verification fails after the auto-merge and the merge is
// reverted.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { diagnoserBindings } from "../actors/diagnoser/index.ts";
import { fixBinding } from "../actors/coder/index.ts";
import { checkBinding, verifyBinding } from "../actors/checker/index.ts";
import {
  mergeBinding,
  openIssueBinding,
  openPrBinding,
  postmortemBinding,
  revertBinding,
} from "../actors/merger/index.ts";
import { loadConfig } from "../infra/config.ts";
import { openLocalForge } from "../infra/forge/index.ts";
import type { IncidentResult } from "../protocol/incident-swarm.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { SEED_ALERTS, createServiceRepo } from "../services/demo/service-repo.ts";
import { checkerPorts, diagnoserPorts, fixPorts, mergerPorts } from "../services/role-ports.ts";
import { eventually, startTestNats } from "./helpers/nats.ts";
import { git, tempDir } from "./helpers/repos.ts";
import { client, startActor, startCoordinator } from "./helpers/runtime.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

async function cluster(t: ExecutionContext, replicas?: number) {
  const home = await tempDir("patchbay-incident-", (fn) => cleanups.push(fn));
  const repo = await createServiceRepo(join(home, "repos", "api-service"), replicas === undefined ? {} : { replicas });
  const cfg = { ...loadConfig({ PATCHBAY_HOME: home }), gatewayUrl: "http://127.0.0.1:7070" };
  const reg = new WorkflowRegistry(builtinWorkflows);
  const { nc } = await startTestNats(t, { roles: [...reg.roles().keys()] });
  await startCoordinator(t, nc, reg);
  const merger = await mergerPorts(cfg, nc);
  const checker = checkerPorts(cfg);
  t.teardown(() => checker.analysis.close());
  await startActor(t, nc, "diagnoser", diagnoserBindings(diagnoserPorts(cfg)));
  await startActor(t, nc, "coder", [fixBinding(await fixPorts(cfg, nc))]);
  await startActor(t, nc, "checker", [checkBinding(checker), verifyBinding(checker)]);
  const mergerBindings = [openPrBinding, openIssueBinding, mergeBinding, postmortemBinding, revertBinding];
  await startActor(
    t,
    nc,
    "merger",
    mergerBindings.map((bind) => bind(merger)),
  );
  const forge = await openLocalForge(nc, { workDir: cfg.workDir, gatewayUrl: cfg.gatewayUrl });
  return { repo, c: client(t, nc, WorkflowInputs), forge };
}

test.serial(
  "example 1: consensus on the pool, a hotfix PR to 200 with monitoring and a runbook, approve, merge, postmortem",
  async (t) => {
    t.timeout(300_000);
    const { repo, c, forge } = await cluster(t);
    await c.start("incident-swarm", { alert: SEED_ALERTS.poolExhausted, repo }, { id: "inc-1" });
    await eventually(
      async () => {
        const rec = await c.status("inc-1");
        return rec?.status === "running" && rec.timers.approval !== undefined;
      },
      "the hotfix PR waiting for approval",
      240_000,
    );
    const [pr] = await forge.listPullRequests(repo);
    t.deepEqual(pr?.labels.sort(), ["hotfix", "severity:critical"]);
    t.regex(pr?.body ?? "", /active_connections 100 of max_connections 100/);
    t.regex(await git(repo, "show", `${pr?.head}:config/database.yaml`), /max_connections: 200 #/);
    t.regex(
      await git(repo, "show", `${pr?.head}:monitoring/alerts.yml`),
      /alert: ApiHighErrorRate[\s\S]*alert: \w+PoolSaturation/,
    );
    t.regex(await git(repo, "show", `${pr?.head}:docs/runbooks/database.md`), /## Alert alert-db-001/);
    await c.signal("inc-1", "approve");
    const rec = await c.wait("inc-1", 240_000);
    t.is(rec.status, "completed", JSON.stringify(rec.error));
    const result = rec.result as IncidentResult;
    t.like(result, { alert_id: "alert-db-001", fix_applied: true, merged: true, rollback_performed: false });
    t.is(result.consensus.category, "connection-pool");
    t.true(result.consensus.confidence >= 0.7, String(result.consensus.confidence));
    t.is(result.diagnoses.length, 3);
    t.regex(await git(repo, "show", "main:config/database.yaml"), /max_connections: 200 #/);
    const postmortem = await git(repo, "show", "patchbay/postmortem-alert-db-001:docs/postmortems/alert-db-001.md");
    t.regex(postmortem, /## Timeline[\s\S]*hotfix approved[\s\S]*## Root cause/);
    t.regex(
      result.postmortem_url ?? "",
      /\/files\/patchbay\/postmortem-alert-db-001\/docs\/postmortems\/alert-db-001\.md$/,
    );
  },
);

test.serial("example 2: no confident cause, a manual issue and a postmortem, no fix", async (t) => {
  t.timeout(300_000);
  const { repo, c, forge } = await cluster(t);
  await c.start("incident-swarm", { alert: SEED_ALERTS.latency, repo }, { id: "inc-2" });
  const rec = await c.wait("inc-2", 240_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as IncidentResult;
  t.like(result, { fix_applied: false, hotfix_pr_url: null, merged: false });
  t.true(result.consensus.confidence < 0.7);
  const [issue] = await forge.listIssues(repo);
  t.regex(issue?.body ?? "", /No fix was applied: confidence 0\.\d\d is below the threshold 0\.70/);
  t.is(result.issue_url, issue?.url ?? "");
  t.deepEqual(await forge.listPullRequests(repo), []);
  t.regex(
    await git(repo, "show", "patchbay/postmortem-alert-perf-002:docs/postmortems/alert-perf-002.md"),
    /Manual issue/,
  );
});

test.serial("a verification that fails after the merge reverts the fix", async (t) => {
  t.timeout(300_000);
  const { repo, c } = await cluster(t, 3);
  const input = { alert: SEED_ALERTS.poolExhausted, repo, auto_merge_severities: ["critical"] };
  await c.start("incident-swarm", input, { id: "inc-3" });
  const rec = await c.wait("inc-3", 240_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  t.like(rec.result as IncidentResult, { fix_applied: true, merged: true, rollback_performed: true });
  t.regex(await git(repo, "show", "main:config/database.yaml"), /max_connections: 100 #/, "main is back to 100");
  t.regex(await git(repo, "log", "-3", "--format=%s", "main"), /Revert/);
});
