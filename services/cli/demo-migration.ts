/**
 * The demo's migration: code-migration's react-upgrade on the bundled React 16 application
 * (samples/react16-esm), offline (no model): the analysis, one commit per step validated by
 * the application's own tests on React 18, and the PR with the report.
 */
import { join } from "node:path";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { outcomeError } from "../../infra/client/index.ts";
import { MigrationResult } from "../../protocol/code-migration.ts";
import { materializePlainSample } from "../demo/samples.ts";

function printResult(r: MigrationResult): void {
  for (const step of r.step_results) {
    const changes = Object.entries(step.changes)
      .map(([codemod, n]) => `${codemod} ${n}`)
      .join(", ");
    const tests = [step.tests, step.compile].filter(Boolean).join("; ") || "not validated";
    console.log(`  ${step.step_id}: ${step.files_changed.length} file(s), ${changes}; ${tests}`);
    for (const l of step.leftovers) console.log(`      leftover ${l.file}:${l.line} ${l.api}: ${l.message}`);
  }
  console.log(`  ${r.completed_steps}/${r.total_steps} steps on ${r.branch}; PR ${r.final_pr_url ?? "none"}`);
}

/** Runs react-upgrade 16 → 18 on a fresh copy of the React 16 sample under `home`. */
export async function migrationOnSample(client: PatchbayClient, home: string): Promise<void> {
  const repo = await materializePlainSample("react16-esm", join(home, "repos", "react16-esm"));
  const id = `demo-migration-${Date.now()}`;
  console.log(
    `\n$ patchbay start code-migration --id ${id}   # react-upgrade 16 → 18 on ${repo} (offline: codemods, no model)`,
  );
  const input = { repo, migration_type: "react-upgrade", source_version: "16", target_version: "18" };
  await client.start("code-migration", input, { id });
  const rec = await client.wait(id, 10 * 60_000);
  const error = outcomeError(rec);
  if (error) console.log(`code-migration ${rec.status}: ${error.code} ${error.message}`);
  else printResult(MigrationResult.parse(rec.result));
}
