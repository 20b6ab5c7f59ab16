// Scenario: patchbay works on a real origin repository on disk through its clone cache: two
// processes fetching into the same cache at once leave it intact, every task gets a worktree
// that is removed afterwards (also when the task throws), missing repositories and branches are
// clear terminal errors, commits carry patchbay's identity on a machine with no git identity,
// and a pushed branch appears in the origin.
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, realpath, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { acquireLock, createWorkspaces, pushBranch } from "../infra/git/index.ts";
import type { Workspaces } from "../infra/git/index.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import { errorOf } from "./helpers/errors.ts";

// No git identity anywhere: an empty HOME, no XDG config, no system config (simple-git strips
// ambient GIT_* variables, so the workspaces below are told to keep GIT_CONFIG_NOSYSTEM).
const emptyHome = await mkdtemp(join(tmpdir(), "patchbay-empty-home-"));
process.env.HOME = emptyHome;
process.env.XDG_CONFIG_HOME = emptyHome;
process.env.GIT_CONFIG_NOSYSTEM = "1";
for (const name of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"]) {
  delete process.env[name];
}
test.after.always(() => rm(emptyHome, { recursive: true, force: true }));

const AUTHOR = { name: "patchbay bot", email: "patchbay@example.invalid" };
const ORIGIN_ID = ["-c", "user.name=Origin Dev", "-c", "user.email=dev@example.invalid"];
const GIT_INDEX = fileURLToPath(new URL("../infra/git/index.ts", import.meta.url));

function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

interface Fixture {
  root: string;
  origin: string;
  cacheDir: string;
  ws: Workspaces;
  warnings: string[];
}

/** A temp dir with an origin repo (main: 2 commits, dev: 1 more) and a workspace set. */
async function fixture(t: ExecutionContext): Promise<Fixture> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "patchbay-git-")));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const origin = join(root, "origin");
  await mkdir(origin);
  await git(origin, "init", "--quiet", "-b", "main");
  await writeFile(join(origin, "README.md"), "hello\n");
  await git(origin, "add", "README.md");
  await git(origin, ...ORIGIN_ID, "commit", "--quiet", "-m", "first");
  await writeFile(join(origin, "src.txt"), "v1\n");
  await git(origin, "add", "src.txt");
  await git(origin, ...ORIGIN_ID, "commit", "--quiet", "-m", "second");
  await git(origin, "branch", "dev");
  const cacheDir = join(root, "cache");
  const warnings: string[] = [];
  const ws = createWorkspaces({
    cacheDir,
    author: AUTHOR,
    allowEnvironment: ["GIT_CONFIG_NOSYSTEM"],
    onWarning: (m) => warnings.push(m),
  });
  return { root, origin, cacheDir, ws, warnings };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Worktrees the cached clone still knows, besides the bare clone itself. */
async function registeredWorktrees(cacheClone: string): Promise<string[]> {
  const listing = await git(cacheClone, "worktree", "list", "--porcelain");
  return listing
    .split("\n")
    .filter((line) => line.startsWith("worktree "))
    .slice(1);
}

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("two processes calling ensureClone at once leave one intact cached clone", async (t) => {
  const { root, origin, cacheDir } = await fixture(t);
  const script = join(root, "ensure-clone.mjs");
  await writeFile(
    script,
    `import { createWorkspaces } from ${JSON.stringify(pathToFileURL(GIT_INDEX).href)};
const [cacheDir, source] = process.argv.slice(2);
const ws = createWorkspaces({ cacheDir, author: { name: "p", email: "p@example.invalid" }, lockTimeoutMs: 60000 });
const dirs = [];
for (let i = 0; i < 4; i++) dirs.push((await ws.ensureClone(source)).dir);
process.stdout.write(JSON.stringify(dirs));
`,
  );
  const [a, b] = await Promise.all([runNode([script, cacheDir, origin]), runNode([script, cacheDir, origin])]);
  t.is(a.code, 0, a.stderr);
  t.is(b.code, 0, b.stderr);
  const dirs = new Set([...JSON.parse(a.stdout), ...JSON.parse(b.stdout)] as string[]);
  t.is(dirs.size, 1);
  const [clone] = dirs;
  t.deepEqual(await readdir(join(cacheDir, "repos")), [clone.split("/").pop()], "no half-built clones left behind");
  t.deepEqual(await readdir(join(cacheDir, "locks")), [], "locks released");
  await git(clone, "fsck", "--strict", "--no-progress");
  t.is(await git(clone, "rev-parse", "refs/remotes/origin/main"), await git(origin, "rev-parse", "main"));
  t.is(await git(clone, "rev-parse", "refs/remotes/origin/dev"), await git(origin, "rev-parse", "dev"));
});

test("ensureClone fetches on every call", async (t) => {
  const { origin, ws } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  await writeFile(join(origin, "later.txt"), "later\n");
  await git(origin, "add", "later.txt");
  await git(origin, ...ORIGIN_ID, "commit", "--quiet", "-m", "later");
  const again = await ws.ensureClone(origin);
  t.is(again.dir, repo.dir);
  t.true(await ws.withWorktree(again, { ref: "main" }, (dir) => exists(join(dir, "later.txt"))));
});

test("a worktree is created at the ref and removed afterwards", async (t) => {
  const { origin, ws, cacheDir } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  let seen = "";
  const head = await ws.withWorktree(repo, { ref: "main" }, async (dir, wtGit) => {
    seen = dir;
    t.true(dir.startsWith(join(cacheDir, "worktrees")));
    t.true(await exists(join(dir, "src.txt")));
    t.deepEqual(await registeredWorktrees(repo.dir), [`worktree ${dir}`]);
    return (await wtGit.revparse(["HEAD"])).trim();
  });
  t.is(head, await git(origin, "rev-parse", "main"));
  t.false(await exists(seen));
  t.deepEqual(await registeredWorktrees(repo.dir), []);
});

test("the worktree and its branch are removed also when the task throws", async (t) => {
  const { origin, ws } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  const boom = new Error("task failed");
  let seen = "";
  const thrown = await t.throwsAsync(
    ws.withWorktree(repo, { ref: "dev", branch: "patchbay/task-1" }, async (dir) => {
      seen = dir;
      await writeFile(join(dir, "dirty.txt"), "uncommitted\n");
      throw boom;
    }),
  );
  t.is(thrown, boom, "the task's own error comes out");
  t.false(await exists(seen));
  t.deepEqual(await registeredWorktrees(repo.dir), []);
  t.is(await git(repo.dir, "for-each-ref", "refs/heads/"), "", "task branch deleted");
});

/** Adds a worktree the way a task would have, locked by process `pid` (or unlocked, as older versions did). */
function leaveWorktree(repoDir: string, dir: string, checkout: string[], pid?: number): Promise<string> {
  const lock = pid === undefined ? [] : ["--lock", "--reason", `patchbay ${hostname()} ${pid}`];
  return git(repoDir, "worktree", "add", "--quiet", ...lock, ...checkout, dir, "origin/main");
}

test("worktrees a killed task left are removed; a branch a live task holds is not taken", async (t) => {
  const { origin, ws, cacheDir } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  const wt = (name: string) => join(cacheDir, "worktrees", name);
  const dead = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => dead.once("exit", r));
  await leaveWorktree(repo.dir, wt("legacy-on-branch"), ["-B", "gate-main"]);
  await leaveWorktree(repo.dir, wt("dead-owner"), ["--detach"], dead.pid);
  const head = await ws.withWorktree(repo, { ref: "main", branch: "gate-main" }, async (_dir, wtGit) =>
    (await wtGit.revparse(["HEAD"])).trim(),
  );
  t.is(head, await git(origin, "rev-parse", "main"));
  t.false(await exists(wt("legacy-on-branch")), "the unowned worktree that held the branch is gone");
  t.false(await exists(wt("dead-owner")), "the worktree of a dead owner is gone");

  await leaveWorktree(repo.dir, wt("live-owner"), ["-B", "busy"], process.pid);
  const err = await t.throwsAsync(ws.withWorktree(repo, { ref: "main", branch: "busy" }, async () => "taken"));
  t.regex(err?.message ?? "", /'busy'/);
  t.true(await exists(wt("live-owner")), "a live task keeps its worktree");
});

test("a missing repository is REPO_NOT_FOUND, a relative path INVALID_INPUT", async (t) => {
  const { root, ws } = await fixture(t);
  const missing = await errorOf(ws.ensureClone(join(root, "no-such-repo")));
  t.is(missing.code, "REPO_NOT_FOUND");
  t.false(missing.retryable);
  t.regex(missing.message, /no-such-repo/);
  await mkdir(join(root, "not-a-repo"));
  t.is((await errorOf(ws.ensureClone(join(root, "not-a-repo")))).code, "REPO_NOT_FOUND");
  t.is((await errorOf(ws.ensureClone("relative/path"))).code, "INVALID_INPUT");
  t.deepEqual(await readdir(join(root, "cache", "repos")), [], "nothing cached for them");
});

test("a missing branch is BRANCH_NOT_FOUND and the task never runs", async (t) => {
  const { origin, ws } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  let ran = false;
  const err = await errorOf(
    ws.withWorktree(repo, { ref: "no-such-branch" }, async () => {
      ran = true;
    }),
  );
  t.is(err.code, "BRANCH_NOT_FOUND");
  t.false(err.retryable);
  t.regex(err.message, /no-such-branch.*branches: dev, main/);
  t.false(ran);
  t.deepEqual(await registeredWorktrees(repo.dir), []);
  t.is((await errorOf(ws.withWorktree(repo, { ref: "--upload-pack=x" }, async () => undefined))).code, "INVALID_INPUT");
});

test("commits carry patchbay's identity on a machine with no git identity", async (t) => {
  const { origin, ws, root } = await fixture(t);
  // Control: with this environment, plain git has no identity to commit with.
  const scratch = join(root, "scratch");
  await mkdir(scratch);
  await git(scratch, "init", "--quiet");
  await t.throwsAsync(git(scratch, "commit", "--allow-empty", "-m", "x"), {
    message: /Please tell me who you are|unable to auto-detect/,
  });
  const repo = await ws.ensureClone(origin);
  const log = await ws.withWorktree(repo, { ref: "main" }, async (dir, wtGit) => {
    await writeFile(join(dir, "change.txt"), "by patchbay\n");
    await wtGit.add("change.txt");
    await wtGit.commit("a change");
    return wtGit.raw(["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
  });
  t.is(log.trim(), "patchbay bot <patchbay@example.invalid>|patchbay bot <patchbay@example.invalid>");
});

test("pushBranch makes the branch visible in the origin; a non-fast-forward push is rejected", async (t) => {
  const { origin, ws } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  const sha = await ws.withWorktree(repo, { ref: "main", branch: "patchbay/feature" }, async (dir, wtGit) => {
    await writeFile(join(dir, "feature.txt"), "feature\n");
    await wtGit.add("feature.txt");
    await wtGit.commit("feature");
    await pushBranch(wtGit, "origin", "patchbay/feature");
    return (await wtGit.revparse(["HEAD"])).trim();
  });
  t.is(await git(origin, "rev-parse", "refs/heads/patchbay/feature"), sha);
  t.is(await git(origin, "log", "-1", "--format=%an", "patchbay/feature"), "patchbay bot");
  const rejected = await errorOf(
    ws.withWorktree(repo, { ref: "dev" }, (_dir, wtGit) => pushBranch(wtGit, "origin", "patchbay/feature")),
  );
  t.is(rejected.code, "GIT_FAILED");
  t.false(rejected.retryable);
  t.is(await git(origin, "rev-parse", "refs/heads/patchbay/feature"), sha, "origin unchanged");
});

test("a sandboxed command in a task worktree reads git but cannot change its config; HOME and TMPDIR stay untracked", async (t) => {
  const { origin, ws } = await fixture(t);
  const repo = await ws.ensureClone(origin);
  const script =
    'echo x > "$HOME/f"; echo y > "$TMPDIR/g"; echo v2 > src.txt; git diff --stat; git config core.fsmonitor "touch pwned"';
  const { result, status } = await ws.withWorktree(repo, { ref: "main" }, async (dir, wtGit) => {
    const result = await runInSandbox({
      cmd: "sh",
      args: ["-c", script],
      cwd: dir,
      timeoutMs: 10_000,
      maxOutputBytes: 10_000,
    });
    return { result, status: await wtGit.status() };
  });
  t.deepEqual(
    status.files.map((f) => f.path),
    ["src.txt"],
    "only the real change shows",
  );
  if (result.isolation.kind === "bwrap") {
    t.regex(result.stdoutTail, /src\.txt \| 2 \+-/, "git can read the repository inside the sandbox");
    t.not(result.exitCode, 0, "git config could not be written");
    t.is(await git(repo.dir, "config", "--get", "core.fsmonitor").catch(() => "unset"), "unset");
  } else {
    t.log(`bwrap not used (${result.isolation.reason}); repository config is not protected`);
  }
});

test("a lock left by a dead process is broken; a live one times out", async (t) => {
  const { root } = await fixture(t);
  const lockPath = join(root, "x.lock");
  const dead = await runNode(["-e", "process.stdout.write(String(process.pid))"]);
  await writeFile(
    lockPath,
    JSON.stringify({
      pid: Number(dead.stdout),
      host: (await import("node:os")).hostname(),
      token: "old",
      createdAt: "then",
    }),
  );
  const lock = await acquireLock(lockPath, { timeoutMs: 2000 });
  const err = await errorOf(acquireLock(lockPath, { timeoutMs: 300 }));
  t.is(err.code, "LOCK_TIMEOUT");
  t.true(err.retryable);
  t.regex(err.message, new RegExp(`pid ${process.pid}`));
  await lock.release();
  t.false(await exists(lockPath));
  await (await acquireLock(lockPath, { timeoutMs: 300 })).release();
});
