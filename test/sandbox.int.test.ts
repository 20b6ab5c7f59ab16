// Scenario: a repository's own commands run in the sandbox (real processes, bubblewrap where it
// works): a timeout kills the whole process group including grandchildren, the environment holds
// no secrets, output is bounded, a missing command is a result rather than a crash, and no path
// of a patch may leave the worktree.
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PatchbayError } from "../protocol/errors.ts";
import { assertPatchPathsInside, resolveInside, runInSandbox } from "../infra/sandbox/index.ts";
import type { SandboxOptions } from "../infra/sandbox/index.ts";

/** A fresh worktree-like directory (`<tmp>/wt`) with a sibling outside it, removed after the test. */
async function worktree(t: ExecutionContext): Promise<{ root: string; wt: string; outside: string }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "patchbay-sandbox-")));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const wt = join(root, "wt");
  const outside = join(root, "outside");
  await mkdir(wt);
  await mkdir(outside);
  return { root, wt, outside };
}

function run(cwd: string, script: string, extra: Partial<SandboxOptions> = {}) {
  return runInSandbox({ cmd: "sh", args: ["-c", script], cwd, timeoutMs: 10_000, maxOutputBytes: 64 * 1024, ...extra });
}

/** Running means: signalable and not a zombie (this machine's init does not reap orphans). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2)[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await delay(20);
  }
  return !isRunning(pid);
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof PatchbayError ? err.code : `not a PatchbayError: ${String(err)}`;
  }
  return "no error";
}

for (const useBwrap of ["auto", "never"] as const) {
  test(`timeout kills the whole group, grandchild included (useBwrap=${useBwrap})`, async (t) => {
    const { wt } = await worktree(t);
    const result = await run(wt, "sleep 300 & echo $! > gc.pid; wait", { timeoutMs: 1000, useBwrap });
    t.true(result.timedOut);
    t.is(result.signal, "SIGTERM");
    t.true(result.durationMs >= 1000 && result.durationMs < 8000, `took ${result.durationMs} ms`);
    const grandchild = Number(await readFile(join(wt, "gc.pid"), "utf8"));
    t.true(grandchild > 0);
    t.true(await goneWithin(grandchild, 2000), `grandchild ${grandchild} still running`);
  });

  test(`a group that ignores SIGTERM is SIGKILLed after the grace period (useBwrap=${useBwrap})`, async (t) => {
    const { wt } = await worktree(t);
    const script = 'trap "" TERM; sleep 300 & echo $! > gc.pid; wait; wait';
    const result = await run(wt, script, { timeoutMs: 800, killGraceMs: 400, useBwrap });
    t.true(result.timedOut);
    // Plainly, the shell ignores SIGTERM and lives until SIGKILL. Under bwrap, bwrap itself
    // dies of SIGTERM and its exit gets the rest of the group SIGKILLed at once.
    if (result.isolation.kind === "plain") {
      t.true(result.durationMs >= 1200, `took ${result.durationMs} ms, expected timeout + grace`);
    }
    const grandchild = Number(await readFile(join(wt, "gc.pid"), "utf8"));
    t.true(await goneWithin(grandchild, 2000), `grandchild ${grandchild} survived SIGKILL`);
  });
}

test("nothing the command started outlives it, even without a timeout", async (t) => {
  const { wt } = await worktree(t);
  const result = await run(wt, "sleep 300 & echo $! > gc.pid; exit 3", { timeoutMs: 30_000, killGraceMs: 500 });
  t.is(result.exitCode, 3);
  t.false(result.timedOut);
  t.true(result.durationMs < 10_000, `took ${result.durationMs} ms`);
  const grandchild = Number(await readFile(join(wt, "gc.pid"), "utf8"));
  t.true(await goneWithin(grandchild, 2000), `background child ${grandchild} left running`);
});

test("the environment is built from an allow-list", async (t) => {
  const { wt } = await worktree(t);
  const inherit = {
    PATH: process.env.PATH,
    LANG: "C.UTF-8",
    NATS_URL: "nats://secret",
    OPENAI_API_KEY: "sk-secret",
    GITHUB_TOKEN: "ghp-secret",
    AWS_SECRET_ACCESS_KEY: "aws-secret",
    SESSION_SECRET: "s",
    UNRELATED: "x",
  };
  const result = await runInSandbox({
    cmd: "env",
    args: [],
    cwd: wt,
    timeoutMs: 10_000,
    maxOutputBytes: 65536,
    inherit,
    env: { CI: "1" },
  });
  t.is(result.exitCode, 0, result.stderrTail);
  const env = Object.fromEntries(
    result.stdoutTail
      .trim()
      .split("\n")
      .map((line) => [line.split("=")[0], line.slice(line.indexOf("=") + 1)]),
  );
  // bwrap --chdir sets PWD; nothing else may appear.
  const names = Object.keys(env).filter((name) => !(name === "PWD" && result.isolation.kind === "bwrap"));
  t.deepEqual(names.sort(), ["CI", "HOME", "LANG", "PATH", "TMPDIR"]);
  t.is(env.HOME, join(wt, ".patchbay-home"));
  t.is(env.TMPDIR, join(wt, ".patchbay-tmp"));
  t.false(result.stdoutTail.includes("secret"));
});

test("secrets in the parent environment do not reach the command by default", async (t) => {
  const { wt } = await worktree(t);
  process.env.OPENAI_API_KEY = "sk-from-parent";
  process.env.NATS_CREDS = "nats-from-parent";
  process.env.PATCHBAY_DEPLOY_TOKEN = "token-from-parent";
  const result = await runInSandbox({ cmd: "env", args: [], cwd: wt, timeoutMs: 10_000, maxOutputBytes: 65536 });
  t.is(result.exitCode, 0);
  t.notRegex(result.stdoutTail, /from-parent|OPENAI|NATS_|_TOKEN/);
  t.regex(result.stdoutTail, /^PATH=/m);
});

test("extra variables with secret-looking names are refused", async (t) => {
  const { wt } = await worktree(t);
  const options = { cmd: "env", args: [], cwd: wt, timeoutMs: 1000, maxOutputBytes: 100 };
  t.is(await errorCode(runInSandbox({ ...options, env: { NPM_TOKEN: "x" } })), "INVALID_INPUT");
  t.is(await errorCode(runInSandbox({ ...options, env: { HOME: "/root" } })), "INVALID_INPUT");
});

test("output is bounded: the tail is kept and every byte counted", async (t) => {
  const { wt } = await worktree(t);
  const script = "head -c 300000 /dev/zero | tr '\\0' x; echo END; echo oops >&2";
  const result = await run(wt, script, { maxOutputBytes: 1000 });
  t.is(result.exitCode, 0);
  t.is(result.stdoutBytes, 300_004);
  t.is(Buffer.byteLength(result.stdoutTail), 1000);
  t.true(result.stdoutTail.endsWith("xEND\n"));
  t.is(result.stderrTail, "oops\n");
  t.true(result.outputTruncated);
});

test("a cut through a multi-byte character does not start the tail with U+FFFD", async (t) => {
  const { wt } = await worktree(t);
  const result = await run(wt, "i=0; while [ $i -lt 500 ]; do printf '\\303\\251'; i=$((i+1)); done", {
    maxOutputBytes: 101,
  });
  t.is(result.stdoutBytes, 1000);
  t.true(result.outputTruncated);
  t.false(result.stdoutTail.includes("\uFFFD"));
  t.is(result.stdoutTail, "é".repeat(50));
});

test("a missing or non-executable command is a result, not a crash", async (t) => {
  const { wt } = await worktree(t);
  const base = { args: [], cwd: wt, timeoutMs: 5000, maxOutputBytes: 1000 };
  const missing = await runInSandbox({ ...base, cmd: "patchbay-no-such-command" });
  t.is(missing.exitCode, 127);
  t.regex(missing.error ?? "", /command not found: patchbay-no-such-command/);
  const relative = await runInSandbox({ ...base, cmd: "./nope.sh" });
  t.is(relative.exitCode, 127);
  await writeFile(join(wt, "plain.sh"), "echo hi\n", { mode: 0o644 });
  const notExecutable = await runInSandbox({ ...base, cmd: "./plain.sh" });
  t.is(notExecutable.exitCode, 126);
  t.regex(notExecutable.error ?? "", /not executable/);
});

test("bwrap confines writes to the worktree, or the fallback reason is reported", async (t) => {
  const { wt, outside } = await worktree(t);
  await writeFile(join(wt, ".git"), "gitdir: /somewhere/else\n");
  const script = `echo in > inside.txt; echo out > ${outside}/escaped.txt; echo evil > .git; true`;
  const result = await run(wt, script);
  t.is(result.exitCode, 0);
  t.is(await readFile(join(wt, "inside.txt"), "utf8"), "in\n");
  if (result.isolation.kind === "bwrap") {
    await t.throwsAsync(readFile(join(outside, "escaped.txt")));
    t.is(await readFile(join(wt, ".git"), "utf8"), "gitdir: /somewhere/else\n", "the .git pointer stays read-only");
  } else {
    t.log(`bwrap not used: ${result.isolation.reason}`);
    t.true(result.isolation.reason.length > 0);
  }
  const never = await run(wt, "true", { useBwrap: "never" });
  t.deepEqual(never.isolation, { kind: "plain", reason: "bwrap disabled (useBwrap: never)" });
  const broken = await run(wt, "true", { bwrapPath: join(outside, "no-bwrap-here") });
  t.is(broken.isolation.kind, "plain");
  t.regex(broken.isolation.kind === "plain" ? broken.isolation.reason : "", /does not work here/);
  t.is(broken.exitCode, 0, "the fallback still runs the command");
});

test("a listed writable directory (a shared package cache) is writable under bwrap; nothing else outside is", async (t) => {
  const { root, wt, outside } = await worktree(t);
  const cache = join(root, "cache", "npm");
  const result = await run(wt, `echo cached > ${cache}/pkg.txt; echo out > ${outside}/escaped.txt; true`, {
    writable: [cache],
  });
  t.is(result.exitCode, 0);
  t.is(await readFile(join(cache, "pkg.txt"), "utf8"), "cached\n", "the cache dir was created and written");
  if (result.isolation.kind === "bwrap") await t.throwsAsync(readFile(join(outside, "escaped.txt")));
  else t.log(`bwrap not used: ${result.isolation.reason}`);
  await t.throwsAsync(run(wt, "true", { writable: ["relative/cache"] }), { message: /must be absolute/ });
});

test("resolveInside refuses ../ escapes, absolute paths and symlinks leading out", async (t) => {
  const { wt, outside } = await worktree(t);
  await symlink("/etc", join(wt, "etc-link"));
  await symlink(outside, join(wt, "out-link"));
  await symlink(join(wt, "missing-target"), join(wt, "dangling"));
  await mkdir(join(wt, "src"));
  await symlink("src", join(wt, "src-link"));
  t.is(await errorCode(resolveInside(wt, "../x")), "PATH_ESCAPE");
  t.is(await errorCode(resolveInside(wt, "src/../../x")), "PATH_ESCAPE");
  t.is(await errorCode(resolveInside(wt, "/etc/passwd")), "PATH_ESCAPE");
  t.is(await errorCode(resolveInside(wt, "etc-link")), "PATH_ESCAPE");
  t.is(await errorCode(resolveInside(wt, "etc-link/passwd")), "PATH_ESCAPE");
  t.is(await errorCode(resolveInside(wt, "out-link/new/file.txt")), "PATH_ESCAPE");
  t.is(await errorCode(resolveInside(wt, "dangling")), "PATH_ESCAPE");
  t.is(await resolveInside(wt, "src/new/file.ts"), join(wt, "src/new/file.ts"));
  t.is(await resolveInside(wt, "src-link/a.ts"), join(wt, "src/a.ts"));
  t.is(await resolveInside(wt, "./src/../README.md"), join(wt, "README.md"));
});

const diffOf = (oldPath: string, newPath: string, body = "@@ -1 +1 @@\n-a\n+b\n") =>
  `diff --git a/${oldPath} b/${newPath}\n--- a/${oldPath}\n+++ b/${newPath}\n${body}`;

test("assertPatchPathsInside checks every path of a unified diff", async (t) => {
  const { wt } = await worktree(t);
  await symlink("/etc", join(wt, "etc-link"));
  const sqlComment = "@@ -1,2 +1,1 @@\n--- /etc/passwd\n keep\n";
  const good = `${diffOf("src/a.ts", "src/a.ts")}${diffOf("db.sql", "db.sql", sqlComment)}`;
  t.deepEqual(await assertPatchPathsInside(wt, good), ["src/a.ts", "db.sql"]);
  const created = "--- /dev/null\n+++ b/new/file.txt\n@@ -0,0 +1 @@\n+hi\n";
  t.deepEqual(await assertPatchPathsInside(wt, created), ["new/file.txt"]);
  t.is(await errorCode(assertPatchPathsInside(wt, diffOf("x", "../x"))), "PATH_ESCAPE");
  t.is(
    await errorCode(assertPatchPathsInside(wt, "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n")),
    "PATH_ESCAPE",
  );
  t.is(await errorCode(assertPatchPathsInside(wt, diffOf("etc-link/passwd", "etc-link/passwd"))), "PATH_ESCAPE");
  const rename = "diff --git a/ok b/ok2\nsimilarity index 100%\nrename from ok\nrename to ../../ok2\n";
  t.is(await errorCode(assertPatchPathsInside(wt, rename)), "PATH_ESCAPE");
  t.is(await errorCode(assertPatchPathsInside(wt, diffOf(".git", ".git"))), "PATH_ESCAPE");
  t.is(await errorCode(assertPatchPathsInside(wt, '--- "a/x\\056\\056/../y"\n+++ "b/../y"\n')), "PATH_ESCAPE");
  t.is(await errorCode(assertPatchPathsInside(wt, "just some text\n")), "INVALID_INPUT");
});

test("aborting the signal stops the command and its whole group, reported as aborted", async (t) => {
  const { wt } = await worktree(t);
  const abort = new AbortController();
  const running = run(wt, "sleep 30 & echo $! > child.pid; wait", { signal: abort.signal, timeoutMs: 60_000 });
  const pidFile = join(wt, "child.pid");
  const deadline = Date.now() + 10_000;
  while (!(await readFile(pidFile, "utf8").catch(() => "")).trim() && Date.now() < deadline) await delay(20);
  const child = Number((await readFile(pidFile, "utf8")).trim());
  abort.abort();
  const result = await running;
  t.true(result.aborted);
  t.false(result.timedOut);
  const gone = Date.now() + 10_000;
  while (isRunning(child) && Date.now() < gone) await delay(20);
  t.false(isRunning(child), "the grandchild is gone too");
});
