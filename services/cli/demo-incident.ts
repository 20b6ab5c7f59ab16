/**
 * The demo's incident: the seed's example 1 (a database pool exhausted) on the sample service
 * repository (samples/api-service with its dated history), offline: three diagnosers, the
 * consensus, the hotfix PR, `approve`, the merge, the verification and the postmortem.
 */
import { join } from "node:path";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { outcomeError } from "../../infra/client/index.ts";
import { IncidentResult } from "../../protocol/incident-swarm.ts";
import { SEED_ALERTS, createServiceRepo } from "../demo/service-repo.ts";

async function waitForApproval(client: PatchbayClient, id: string): Promise<boolean> {
  const deadline = Date.now() + 5 * 60_000;
  while (Date.now() < deadline) {
    const rec = await client.status(id);
    if (rec !== undefined && rec.status !== "running") return false;
    if (rec?.timers.approval !== undefined) return true;
    await client.wait(id, 500).catch(() => undefined);
  }
  return false;
}

function printResult(r: IncidentResult): void {
  for (const d of r.diagnoses) {
    console.log(`  ${d.agent} (${d.method}): ${d.root_cause} — ${d.category}, confidence ${d.confidence.toFixed(2)}`);
    for (const e of d.evidence.slice(0, 3)) console.log(`      ${e}`);
  }
  const c = r.consensus;
  console.log(
    `  consensus (${c.rule}): ${c.root_cause}, confidence ${c.confidence.toFixed(2)}; supporting ${c.supporting_diagnoses.join(", ")}`,
  );
  console.log(`  hotfix PR: ${r.hotfix_pr_url ?? "none"}; merged ${r.merged}; rollback ${r.rollback_performed}`);
  console.log(`  postmortem: ${r.postmortem_url ?? "none"}`);
}

/** Runs incident-swarm's example 1 on a fresh sample service repository under `home`. */
export async function incidentOnSample(client: PatchbayClient, home: string): Promise<void> {
  const repo = await createServiceRepo(join(home, "repos", "api-service"));
  const id = `demo-incident-${Date.now()}`;
  console.log(
    `\n$ patchbay start incident-swarm --id ${id}   # the seed's alert-db-001 on ${repo} (offline: no model)`,
  );
  await client.start("incident-swarm", { alert: SEED_ALERTS.poolExhausted, repo }, { id });
  if (await waitForApproval(client, id)) {
    console.log(
      `$ patchbay signal ${id} approve   # the hotfix PR waits for it (severity critical is not auto-merged)`,
    );
    await client.signal(id, "approve");
  }
  const rec = await client.wait(id, 5 * 60_000);
  const error = outcomeError(rec);
  if (error) console.log(`incident-swarm ${rec.status}: ${error.code} ${error.message}`);
  else printResult(IncidentResult.parse(rec.result));
}
