/**
 * Real git repositories for tests, in temp dirs removed when the test ends. Every commit names
 * its identity with `-c user.name/-c user.email` (CI machines have none), and the working tree
 * is left clean on `main` so pushes into the checked-out branch may update it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ExecutionContext } from "ava";

const IDENTITY = ["-c", "user.name=Test Dev", "-c", "user.email=dev@example.invalid", "-c", "commit.gpgSign=false"];

/** Runs git in `cwd` and resolves with its trimmed stdout. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", [...IDENTITY, ...args], { cwd }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(" ")} in ${cwd}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    );
  });
}

/** A repository on disk with `main` checked out. */
export interface TestRepo {
  /** Its absolute (real) path: the repository as patchbay is given it. */
  dir: string;
  /** Creates `branch` at `from` (default main) with one commit writing `files`; returns the commit. */
  branch(branch: string, files: Record<string, string>, options?: { from?: string; message?: string }): Promise<string>;
  /** Adds one commit writing `files` to the existing `branch`; returns the commit. */
  commit(branch: string, files: Record<string, string>, message?: string): Promise<string>;
  /** The commit `ref` points at. */
  sha(ref: string): Promise<string>;
  /** `git <args>` in the repository. */
  git(...args: string[]): Promise<string>;
}

/** A temp dir for the test, removed at its end (real path, so paths compare equal). */
export async function tempDir(t: ExecutionContext, prefix: string): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A repository with `main` (a README and `src/app.txt`) and a branch `feature` one commit
 * ahead (adds `src/feature.txt`), `main` checked out.
 */
export async function createTestRepo(t: ExecutionContext, name = "origin"): Promise<TestRepo> {
  const dir = join(await tempDir(t, "patchbay-repo-"), name);
  await mkdir(dir);
  await git(dir, "init", "--quiet", "-b", "main");
  const repo = makeRepo(dir);
  await writeFiles(dir, { "README.md": "# test repo\n", "src/app.txt": "line 1\nline 2\nline 3\n" });
  await git(dir, "add", "--all");
  await git(dir, "commit", "--quiet", "-m", "initial commit");
  await repo.branch("feature", { "src/feature.txt": "a feature\n" }, { message: "add a feature" });
  return repo;
}

function makeRepo(dir: string): TestRepo {
  const commit = async (
    branch: string,
    files: Record<string, string>,
    message = `change ${Object.keys(files).join(", ")}`,
  ) => {
    await git(dir, "checkout", "--quiet", branch);
    try {
      await writeFiles(dir, files);
      await git(dir, "add", "--all");
      await git(dir, "commit", "--quiet", "-m", message);
      return await git(dir, "rev-parse", "HEAD");
    } finally {
      await git(dir, "checkout", "--quiet", "main");
    }
  };
  return {
    dir,
    commit,
    async branch(branch, files, options = {}) {
      await git(dir, "branch", branch, options.from ?? "main");
      return commit(branch, files, options.message);
    },
    sha: (ref) => git(dir, "rev-parse", ref),
    git: (...args) => git(dir, ...args),
  };
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}
