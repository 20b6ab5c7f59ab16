// plan-patch-pr end to end on a real nats-server, every role in-process on its real ports
// (git workspaces, the analysis pool, the sandbox, the local forge, the quality gate as a child
// with its eight checks), the model the scripted server with the demo's scripts
// (samples/model-scripts): seed example 1 gives four issues whose coder tasks overlap in time,
// a feature branch whose tests pass, a PR with the four issues' files labelled automated and
// feature, and merged false; seed example 2 (auto_merge) merges with a real merge commit on
// main, on bugfix/fix-memory-leak-in-background-job.
import test, { type ExecutionContext } from "ava";
import type { HistoryEntry } from "../infra/nats/history.ts";
import type { PlanPatchResult } from "../protocol/plan-patch-pr.ts";
import { git } from "./helpers/repos.ts";
import { demoScripts, planCluster } from "./helpers/plan-cluster.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const cluster = async (t: ExecutionContext) => planCluster(t, await demoScripts(), (fn) => cleanups.push(fn));

/** Each coder task's [started, completed] times from the history. */
function coderSpans(history: HistoryEntry[]): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>();
  for (const e of history) {
    const m = e.message;
    if (m?.type === "task.started/v1" && m.data.task_id.startsWith("patch-")) spans.set(m.data.task_id, [m.data.at, 0]);
    if (m?.type === "task.completed/v1" && m.data.task_id.startsWith("patch-")) {
      const span = spans.get(m.data.task_id);
      if (span) span[1] = m.data.at;
    }
  }
  return spans;
}

test.serial(
  "seed example 1: four issues coded in parallel, a feature branch whose tests pass, a PR, not merged",
  async (t) => {
    t.timeout(600_000);
    const { repo, c, forge } = await cluster(t);
    await c.start("plan-patch-pr", { repo, requirement: "Add user profile page with avatar upload" }, { id: "ppr-1" });
    const rec = await c.wait("ppr-1", 500_000);
    t.is(rec.status, "completed", JSON.stringify(rec.error));
    const result = rec.result as PlanPatchResult;
    t.is(result.issues.length, 4);
    t.is(result.branch_name, "feature/add-user-profile-page");
    t.like(result, { merged: false, merge_commit_sha: null, not_merged_reason: "auto_merge is off" });
    t.true(result.test_results.passed, JSON.stringify(result.test_results));
    const spans = [...coderSpans(await c.history("ppr-1")).values()];
    t.is(spans.length, 4);
    const overlap = Math.min(...spans.map(([, end]) => end)) > Math.max(...spans.map(([start]) => start));
    t.true(overlap, `the four coder tasks run at once: ${JSON.stringify(spans)}`);
    const [pr] = await forge.listPullRequests(repo);
    t.is(pr?.url, result.pr_url ?? "");
    t.deepEqual(pr?.labels.sort(), ["automated", "feature"]);
    for (const file of ["src/profile-store.js", "src/avatar-store.js", "src/profile-api.js", "src/profile-page.js"])
      t.true(result.files_changed.includes(file), file);
    t.regex(pr?.body ?? "", /\| profile-api \| Profile API endpoints \|/);
    t.is(await git(repo, "rev-list", "--count", "main"), "1", "main is untouched");
  },
);

test.serial("seed example 2: one issue, auto_merge, the gate passes, a real merge commit on main", async (t) => {
  t.timeout(600_000);
  const { repo, c } = await cluster(t);
  const input = { repo, requirement: "Fix memory leak in background job processor", auto_merge: true };
  await c.start("plan-patch-pr", input, { id: "ppr-2" });
  const rec = await c.wait("ppr-2", 500_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as PlanPatchResult;
  t.is(result.branch_name, "bugfix/fix-memory-leak-in-background-job");
  t.is(result.issues.length, 1);
  t.true(result.merged, result.not_merged_reason);
  const sha = result.merge_commit_sha ?? "";
  t.is(await git(repo, "rev-parse", "main"), sha);
  t.is((await git(repo, "rev-list", "--parents", "-n", "1", sha)).split(" ").length, 3, "a merge commit");
  t.regex(await git(repo, "show", "main:src/store.js"), /maxItems/);
});
