// Proves issue 14's "queued is not late" on the quality gate with real processes: nine gates
// started at once on nine repositories (the bundled sample, materialized nine times) with two
// checker processes at their default concurrency: 72 checks wait their turn. Every gate
// completes; no check reports a timeout, each check's commands ran within its own timeout
// (measured from when the check started, not from when it was queued), and no check was
// re-dispatched.
import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PatchbayClient } from "../infra/client/index.ts";
import type { QualityGateResult } from "../protocol/quality-gate.ts";
import { materializeSample } from "../services/demo/samples.ts";
import { startTestNats } from "./helpers/nats.ts";
import { spawnService } from "./helpers/processes.ts";

const GATES = 9;
const CHECK_TIMEOUT_MS = 60_000;

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
  t.true(
    checks.every((c) => c.duration_ms < CHECK_TIMEOUT_MS + 120_000),
    "each ran within its own budget",
  );
  const spread = Math.max(...checks.map((c) => c.finished_at)) - Math.min(...checks.map((c) => c.started_at));
  t.log(`72 checks over ${spread} ms on ${new Set(checks.map((c) => c.runner)).size} checker processes`);
  const histories = await Promise.all(ids.map((id) => client.history(id)));
  const redispatched = histories
    .flat()
    .filter((e) => e.message?.type === "log/v1" && e.message.data.entries.some((x) => x.step === "redispatched"));
  t.deepEqual(redispatched, [], "no check was re-dispatched");
});
