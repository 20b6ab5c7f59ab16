/**
 * Small repositories for the checker and auto-fix tests: git repos built in temp dirs with an
 * explicit identity (CI has none), branches made from file changes, a stub npm registry
 * (one package, `tinydep` 1.0.0 and 2.0.0, that refuses the audit endpoint like many mirrors),
 * and the real ports the handlers need.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CheckerPorts } from "../../actors/checker/index.ts";
import { createAnalysisPool } from "../../infra/analysis/index.ts";
import type { AnalysisPool } from "../../infra/analysis/index.ts";
import { createWorkspaces } from "../../infra/git/index.ts";
import { runInSandbox } from "../../infra/sandbox/index.ts";
import type { TaskContext } from "../../infra/nats/actor-host.ts";
import type { ResolvedTarget } from "../../protocol/quality-gate.ts";

/** The identity of the "developer" who made the test repos. */
export const DEV_ID = ["-c", "user.name=Repo Dev", "-c", "user.email=dev@example.invalid"];
/** The identity patchbay commits with in these tests. */
export const PATCHBAY_AUTHOR = { name: "patchbay", email: "patchbay@example.invalid" };

/** Runs git in `cwd` and returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout.trim())));
  });
}

/** A temp dir (real path) removed when the test file ends. */
export async function tempDir(prefix: string, register: (fn: () => Promise<void>) => void): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  register(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (creating folders); a null content deletes the file. */
export async function writeFiles(dir: string, files: Record<string, string | null>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (content === null) {
      await rm(full, { recursive: true, force: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

/** `git init` on main with `files` as the first commit; returns the commit. */
export async function initRepo(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git(dir, "init", "--quiet", "-b", "main");
  await writeFiles(dir, files);
  await git(dir, "add", "-A");
  await git(dir, ...DEV_ID, "commit", "--quiet", "-m", "initial");
  return git(dir, "rev-parse", "HEAD");
}

/** Creates `branch` from `from` with `changes` committed; the repo is left on main. Returns the commit. */
export async function branchWith(dir: string, from: string, branch: string, changes: Record<string, string | null>): Promise<string> {
  await git(dir, "checkout", "--quiet", "-b", branch, from);
  await writeFiles(dir, changes);
  await git(dir, "add", "-A");
  await git(dir, ...DEV_ID, "commit", "--quiet", "-m", `${branch} changes`);
  const sha = await git(dir, "rev-parse", "HEAD");
  await git(dir, "checkout", "--quiet", "main");
  return sha;
}

/** A stub npm registry on 127.0.0.1. */
export interface StubRegistry {
  url: string;
  /** POSTs it refused (the audit endpoint). */
  refused: string[];
  /** `integrity` of tinydep 1.0.0, for lockfiles. */
  integrity: string;
  close(): Promise<void>;
}

async function tarball(version: string, work: string): Promise<Buffer> {
  const dir = join(work, `tinydep-${version}`);
  await writeFiles(dir, {
    "package/package.json": JSON.stringify({ name: "tinydep", version, main: "index.js" }),
    "package/index.js": `module.exports = ${JSON.stringify(version)};\n`,
  });
  await new Promise<void>((resolve, reject) =>
    execFile("tar", ["-czf", "pkg.tgz", "package"], { cwd: dir }, (err) => (err ? reject(err) : resolve())),
  );
  return readFile(join(dir, "pkg.tgz"));
}

/** Starts a registry serving tinydep 1.0.0 and 2.0.0 and answering every POST with 405. */
export async function startStubRegistry(work: string): Promise<StubRegistry> {
  const tarballs = new Map<string, Buffer>([["1.0.0", await tarball("1.0.0", work)], ["2.0.0", await tarball("2.0.0", work)]]);
  const integrity = (buf: Buffer): string => `sha512-${createHash("sha512").update(buf).digest("base64")}`;
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.method !== "GET" && req.method !== "HEAD") {
      refused.push(req.url ?? "");
      res.writeHead(405, { allow: "GET,HEAD" }).end();
      return;
    }
    const file = /^\/tinydep\/-\/tinydep-(\d+\.\d+\.\d+)\.tgz$/.exec(req.url ?? "");
    if (file !== null && tarballs.has(file[1])) return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(tarballs.get(file[1]));
    if (req.url !== "/tinydep") return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    const versions = Object.fromEntries([...tarballs].map(([version, buf]) => [version, {
      name: "tinydep", version, main: "index.js",
      dist: { tarball: `${base}/tinydep/-/tinydep-${version}.tgz`, integrity: integrity(buf), shasum: createHash("sha1").update(buf).digest("hex") },
    }]));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name: "tinydep", "dist-tags": { latest: "2.0.0" }, versions }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, refused, integrity: integrity(tarballs.get("1.0.0") as Buffer), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** package-lock.json (v3) for a package that depends on tinydep ^1.0.0 from `registry`. */
export function lockfileWithTinydep(name: string, registry: StubRegistry): string {
  return JSON.stringify({
    name, version: "1.0.0", lockfileVersion: 3, requires: true,
    packages: {
      "": { name, version: "1.0.0", dependencies: { tinydep: "^1.0.0" } },
      "node_modules/tinydep": { version: "1.0.0", resolved: `${registry.url}tinydep/-/tinydep-1.0.0.tgz`, integrity: registry.integrity },
    },
  }, null, 2);
}

/** Real ports for the checker: workspaces in a temp cache, one analysis thread, the sandbox. */
export function checkerPorts(cacheDir: string, log: string[] = []): { ports: CheckerPorts; analysis: AnalysisPool } {
  const analysis = createAnalysisPool({ threads: 1 });
  const workspaces = createWorkspaces({ cacheDir, author: PATCHBAY_AUTHOR, allowEnvironment: ["GIT_CONFIG_NOSYSTEM"] });
  const ports: CheckerPorts = { workspaces, analysis, run: runInSandbox, now: Date.now, log: (line) => log.push(line), runner: "test:1" };
  return { ports, analysis };
}

/** A target on `branch` at `sha`, compared with main. */
export function targetOf(repo: string, branch: string, sha: string, baseSha?: string): ResolvedTarget {
  return { repo, branch, head_sha: sha, base: "main", base_sha: baseSha };
}

/** A TaskContext for calling handlers directly. */
export function taskContext(kind: string): TaskContext {
  return {
    task: { task_id: "t1", workflow_id: "wf-test", run: 1, kind, attempt: 1, deadline: Date.now() + 600_000, input: {} } as unknown as TaskContext["task"],
    delivery: 1,
    signal: new AbortController().signal,
    log: () => undefined,
  };
}
