// Proves issue 14's "queued is not late" on the quality gate with real processes: nine gates
// started at once on nine repositories (the bundled sample, materialized nine times) with two
// checker processes at their default concurrency: 72 checks wait their turn, some for longer
// than their whole 18 s timeout (asserted, from each check's dispatch in the history). Every
// gate completes; no check reports a timeout, and no check was re-dispatched.
// What this does not catch: the coordinator's start-to-close of a check is its timeout plus the
// 120 s install budget, more than this test runs, so a coordinator deadline counted from the
// dispatch would pass here; backlog.int.test.ts and task-deadlines.unit.test.ts guard that.
import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PatchbayClient } from "../infra/client/index.ts";
import type { HistoryEntry } from "../infra/nats/history.ts";
import type { QualityGateResult } from "../protocol/quality-gate.ts";
import { materializeSample } from "../services/demo/samples.ts";
import { startTestNats } from "./helpers/nats.ts";
import { spawnService } from "./helpers/processes.ts";

const GATES = 9;
const CHECK_TIMEOUT_MS = 18_000;

test("nine gates at once on two checkers: no check reports a timeout it did not spend running", async (t) => {
  const nats = await startTestNats(t);
  const dir = await mkdtemp(join(tmpdir(), "patchbay-nine-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const env = { NATS_URL: nats.url, PATCHBAY_HOME: join(dir, "home") };
  await Promise.all([
    spawnService(t, "coordinator", "services/coordinator/main.ts", env),
    spawnService(t, "checker-1", "services/checker/main.ts", env),
    spawnService(t, "checker-2", "services/checker/main.ts", env),
    spawnService(t, "merger", "services/merger/main.ts", env),
  ]);
  const client = new PatchbayClient(nats.nc);
  t.teardown(() => client.close());
  const repos = await Promise.all(
    Array.from({ length: GATES }, (_, i) => materializeSample("notifications", join(dir, "repos", `r${i}`))),
  );
  const ids = repos.map((_, i) => `nine-${i}`);
  const input = (repo: (typeof repos)[number]) => ({
    repo: repo.dir,
    branch: repo.branch,
    attempt_auto_fix: false,
    check_timeout_ms: CHECK_TIMEOUT_MS,
  });
  await Promise.all(repos.map((repo, i) => client.start("quality-gate", input(repo), { id: ids[i] })));

  const records = await Promise.all(ids.map((id) => client.wait(id, 110_000)));
  t.deepEqual(
    records.map((r) => r.status),
    ids.map(() => "completed"),
  );
  const checks = records.flatMap((r) => (r.result as QualityGateResult).checks);
  t.is(checks.length, GATES * 8);
  const timedOut = checks.filter((c) => c.issues.some((i) => /timed out/.test(i.message)));
  t.deepEqual(
    timedOut.map((c) => `${c.id}: ${c.summary}`),
    [],
    "no check reports a timeout",
  );
  const histories = await Promise.all(ids.map((id) => client.history(id)));
  const waits = records.flatMap((r, i) => queueWaits(r.result as QualityGateResult, histories[i] ?? []));
  const longest = Math.max(...waits);
  const longestRun = Math.max(...checks.map((c) => c.duration_ms));
  t.log(`${checks.length} checks on 2 checkers; longest wait ${longest} ms, longest run ${longestRun} ms`);
  t.is(waits.length, checks.length, "each check's dispatch is in its history");
  t.true(longest > CHECK_TIMEOUT_MS, `a check waited longer than its whole timeout (${longest} ms)`);
  const redispatched = histories
    .flat()
    .filter((e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "redispatched"));
  t.deepEqual(redispatched, [], "no check was re-dispatched");
});

/** How long each check waited between its dispatch (the `scheduled` log entry) and its start. */
function queueWaits(result: QualityGateResult, history: HistoryEntry[]): number[] {
  const scheduled = new Map<string, number>();
  for (const e of history) {
    if (e.message?.type !== "log/v1") continue;
    for (const x of e.message.data.entries)
      if (x.step === "scheduled") scheduled.set(x.text.split(" ")[0] ?? "", e.time);
  }
  return result.checks.flatMap((c) => {
    const at = scheduled.get(`check-${c.id}`);
    return at === undefined ? [] : [c.started_at - at];
  });
}
