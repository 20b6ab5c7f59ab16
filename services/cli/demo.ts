/**
 * `patchbay demo`: the embedded default end to end, then nothing left running. Starts its own
 * nats-server and every Procfile process (two checkers), runs the quality gate on a pull
 * request of the bundled sample repository (`samples/notifications`), shows the verdict and the
 * history, runs `code-patch` on it with the scripted model server (demo-patch.ts) and
 * plan-patch-pr's example 1 with the same server (demo-plan.ts), runs
 * incident-swarm's example 1 on the sample service (demo-incident.ts), code-migration's
 * react-upgrade on the React 16 sample (demo-migration.ts), runs a burst of
 * bench-fanout workflows, and stops everything.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../infra/config.ts";
import { connectNats } from "../../infra/nats/connect.ts";
import { freePort } from "../../infra/nats/launcher.ts";
import { provision } from "../../infra/nats/provision.ts";
import { openLocalForge } from "../../infra/forge/index.ts";
import { QualityGateResult } from "../../protocol/quality-gate.ts";
import { PatchbayClient, outcomeError } from "../../infra/client/index.ts";
import { WorkflowInputs } from "../../protocol/workflows.ts";
import { materializeSample } from "../demo/samples.ts";
import { historyLine } from "./format.ts";
import { WorkflowRegistry, builtinWorkflows } from "../coordinator/index.ts";
import { incidentOnSample } from "./demo-incident.ts";
import { migrationOnSample } from "./demo-migration.ts";
import { planPatchOnSample } from "./demo-plan.ts";
import { codePatchOnSample, startDemoModel } from "./demo-patch.ts";
import { assertEveryRoleRuns } from "./role-check.ts";
import { ROOT, embeddedNats } from "./up.ts";
import { Supervisor, readProcfile } from "./supervisor.ts";

/** Runs the demo and resolves when everything it started has stopped. */
export async function demo(): Promise<void> {
  const cfg = loadConfig();
  const specs = readProcfile(ROOT);
  assertEveryRoleRuns(new WorkflowRegistry(builtinWorkflows).roles(), specs);
  const home = join(cfg.home, "demo");
  rmSync(home, { recursive: true, force: true });
  const server = await embeddedNats(home);
  const model = await startDemoModel();
  const gatewayUrl = `http://127.0.0.1:${await freePort()}`;
  const env = {
    ...process.env,
    ...model.env,
    NATS_URL: server.url,
    PATCHBAY_HOME: home,
    PATCHBAY_GATEWAY_URL: gatewayUrl,
    PATCHBAY_GATEWAY_PORT: new URL(gatewayUrl).port,
  };
  const supervisor = new Supervisor(env, () => undefined);
  const nc = await connectNats({ url: server.url, name: "patchbay-demo" });
  try {
    await provision(nc, cfg.provision);
    for (const spec of specs) await supervisor.run(spec, spec.name === "checker" ? 2 : 1);
    console.log(
      `nats-server ${server.url}, gateway ${gatewayUrl}, processes ${supervisor.pids.join(", ")} (coordinator, 2 checkers, coder, merger, diagnoser, architect, planner, gateway)\n`,
    );
    const client = new PatchbayClient(nc, WorkflowInputs);
    const repo = await qualityGateOnSample(client, home, gatewayUrl);
    await codePatchOnSample(client, repo, model.server);
    await planPatchOnSample(client, home);
    await incidentOnSample(client, home);
    await migrationOnSample(client, home);
    await burst(client, 200, 32);
    client.close();
  } finally {
    await nc.close();
    await supervisor.stop();
    await server.stop();
    await model.server.close();
  }
  console.log(`\nEverything the demo started has stopped; its state is in ${home}.`);
  console.log("Next: `npx patchbay up`, then in another shell for example");
  console.log(
    `  echo '{"repo": "${join(home, "repos", "notifications")}", "branch": "feature/add-notifications"}' | npx patchbay start quality-gate --input - --wait --json`,
  );
}

/** The bundled sample as a repository, and the pull request of its feature branch. */
export interface SamplePullRequest {
  /** The repository's path (its own remote). */
  repo: string;
  branch: string;
  pr_number: number;
}

/**
 * Turns `samples/notifications` into a git repository under `<home>/repos` and opens a pull
 * request of its feature branch on the local forge of `<home>/work` (where `up` and the demo
 * keep it with PATCHBAY_HOME=`home`): what the quality gate runs on.
 */
export async function openSamplePullRequest(
  client: PatchbayClient,
  home: string,
  gatewayUrl: string,
): Promise<SamplePullRequest> {
  const repo = await materializeSample("notifications", join(home, "repos", "notifications"));
  const forge = await openLocalForge(client.nc, { workDir: join(home, "work"), gatewayUrl });
  const pr = await forge.createPullRequest(repo.dir, {
    title: "Add notifications",
    head: repo.branch,
    base: "main",
    labels: ["automated", "feature"],
  });
  return { repo: repo.dir, branch: repo.branch, pr_number: pr.number };
}

/** Runs the quality gate on a pull request of the sample; returns the sample repository's path. */
async function qualityGateOnSample(client: PatchbayClient, home: string, gatewayUrl: string): Promise<string> {
  const { repo, branch, pr_number } = await openSamplePullRequest(client, home, gatewayUrl);
  console.log(`sample repository ${repo}: pull request #${pr_number} ${branch} → main\n`);
  const id = `demo-gate-${Date.now()}`;
  console.log(`$ patchbay start quality-gate --id ${id} --wait   # {"repo": "${repo}", "pr_number": ${pr_number}}`);
  await client.start("quality-gate", { repo, pr_number }, { id });
  const rec = await client.wait(id, 15 * 60_000);
  const error = outcomeError(rec);
  if (error) {
    console.log(`quality gate ${rec.status}: ${error.code} ${error.message}`);
  } else {
    printVerdict(QualityGateResult.parse(rec.result));
  }
  console.log(`\n$ patchbay show ${id}`);
  for (const e of await client.history(id)) console.log(historyLine(e));
  return repo;
}

function printVerdict(r: QualityGateResult): void {
  for (const c of r.checks) {
    const verdict = c.status === "failed" ? "FAILED" : c.status === "not_applicable" ? "n/a" : c.status;
    console.log(
      `  ${c.name.padEnd(18)} ${verdict.padEnd(8)} ${c.skipped ? "" : c.score.toFixed(1).padStart(5)}  ${c.skipped ? (c.skip_reason ?? "") : c.summary}  (${c.runner}, ${c.duration_ms} ms)`,
    );
  }
  console.log(`overall score ${r.overall_score}, can_merge ${r.can_merge}, auto-fixes applied ${r.auto_fixes_applied}`);
  for (const b of r.blocking_issues) console.log(`  blocking: ${b}`);
  console.log(`pull request: ${r.pr_url} (served while patchbay runs: PATCHBAY_HOME=<demo dir> npx patchbay up)`);
}

async function burst(client: PatchbayClient, total: number, inFlight: number): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const id = await client.start("bench-fanout", { fanout: 8 }, { id: `demo-burst-${Date.now()}-${next++}` });
      await client.wait(id, 60_000);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const s = (performance.now() - t0) / 1_000;
  console.log(
    `\n${total} bench-fanout workflows (8 no-op tasks each, ${inFlight} in flight) in ${s.toFixed(2)} s; measured figures: bench/orchestration.ts`,
  );
}
