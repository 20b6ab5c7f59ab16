/**
 * The demo's plan-patch-pr: the seed's example 1 ("Add user profile page with avatar upload")
 * on the sample repository, with the scripted model server (samples/model-scripts; no model
 * runs): the architect's design, the planner's four issues, four coders at once, their merges
 * into the feature branch, the quality gate as a child, the PR, not merged.
 */
import { join } from "node:path";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { outcomeError } from "../../infra/client/index.ts";
import { PlanPatchResult } from "../../protocol/plan-patch-pr.ts";
import { materializeSample } from "../demo/samples.ts";

function printResult(r: PlanPatchResult): void {
  console.log(`  design (${r.design.kind}): ${r.design.title}; ${r.design.components.length} components`);
  for (const issue of r.issues)
    console.log(`  issue ${issue.id}: ${issue.title} → ${issue.commit_sha?.slice(0, 10) ?? "not patched"}`);
  const tests = r.test_results;
  console.log(
    `  ${r.branch_name}: ${r.files_changed.length} files; tests ${tests.passed ? "passed" : "failed"} (${tests.total}), coverage ${tests.coverage ?? "n/a"}; QA score ${r.qa_score}`,
  );
  console.log(
    `  PR ${r.pr_url ?? "none"}; merged ${r.merged}${r.not_merged_reason ? ` (${r.not_merged_reason})` : ""}`,
  );
  console.log(
    `  model usage (scripted): ${r.usage.requests} requests, ${r.usage.input_tokens + r.usage.output_tokens} tokens`,
  );
}

/** Runs plan-patch-pr's example 1 on a fresh copy of the sample under `home`. */
export async function planPatchOnSample(client: PatchbayClient, home: string): Promise<void> {
  const repo = (await materializeSample("notifications", join(home, "repos", "profile-page"))).dir;
  const id = `demo-plan-${Date.now()}`;
  const requirement = "Add user profile page with avatar upload";
  console.log(
    `\n$ patchbay start plan-patch-pr --id ${id}   # "${requirement}" on ${repo} (the scripted model server answers: no model runs)`,
  );
  await client.start("plan-patch-pr", { repo, requirement }, { id });
  const rec = await client.wait(id, 10 * 60_000);
  const error = outcomeError(rec);
  if (error) console.log(`plan-patch-pr ${rec.status}: ${error.code} ${error.message}`);
  else printResult(PlanPatchResult.parse(rec.result));
}
