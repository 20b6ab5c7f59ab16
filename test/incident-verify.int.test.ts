// Scenario: incident-swarm's verification on the checker, as the actor host runs it: the sample
// service repository's own `"patchbay": {"verify": "node scripts/verify.js"}` run in the sandbox
// on a worktree of the ref. It passes on the sample; with 3 replicas it fails once a commit
// raises the pool to 200 (600 connections > 500); a repository without the field passes
// undeclared.
import test from "ava";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { verifyBinding } from "../actors/checker/index.ts";
import { createServiceRepo } from "../services/demo/service-repo.ts";
import { createTestRepo, git, tempDir } from "./helpers/git-repo.ts";
import { checkerPorts, rawHandler, taskContext } from "./helpers/repos.ts";

interface Verified {
  declared: boolean;
  command?: string;
  passed: boolean;
  exit_code: number | null;
  tail: string;
}

async function verify(t: Parameters<typeof tempDir>[0], repo: string, ref = "main"): Promise<Verified> {
  const { ports, analysis } = checkerPorts(await tempDir(t, "patchbay-verify-cache-"));
  t.teardown(() => analysis.close());
  return (await rawHandler(verifyBinding(ports))({ repo, ref }, taskContext("incident.verify"))) as Verified;
}

/** Commits the pool raised to `size` on main (config/database.yaml and .env, as the fix would). */
async function raisePool(repo: string, size: number): Promise<void> {
  for (const [file, from, to] of [
    ["config/database.yaml", "max_connections: 100", `max_connections: ${size}`],
    [".env", "DB_POOL_MAX=100", `DB_POOL_MAX=${size}`],
  ]) {
    const path = join(repo, file);
    await writeFile(path, (await readFile(path, "utf8")).replace(from, to));
  }
  await git(repo, "commit", "--quiet", "-am", `Raise the pool to ${size}`);
}

test("verify passes on the sample service repository", async (t) => {
  const repo = await createServiceRepo(join(await tempDir(t, "patchbay-verify-"), "api-service"));
  const out = await verify(t, repo);
  t.like(out, { declared: true, command: "node scripts/verify.js", passed: true, exit_code: 0 });
  t.regex(out.tail, /verify: 100 connections of 500 at most/);
});

test("verify fails with 3 replicas once the pool is raised to 200", async (t) => {
  const repo = await createServiceRepo(join(await tempDir(t, "patchbay-verify-"), "api-service"), { replicas: 3 });
  t.like(await verify(t, repo), { passed: true }, "300 connections fit");
  await raisePool(repo, 200);
  const out = await verify(t, repo);
  t.like(out, { declared: true, passed: false, exit_code: 1 });
  t.regex(out.tail, /3 replicas × 200 connections = 600 > 500/);
});

test("a repository that declares no verification passes, undeclared", async (t) => {
  const repo = await createTestRepo(t);
  t.deepEqual(await verify(t, repo.dir, "feature"), {
    declared: false,
    passed: true,
    exit_code: null,
    tail: "no verification command declared",
  });
});
