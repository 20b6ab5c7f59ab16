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
import { runBinding, type TaskBinding, type TaskContext } from "../../infra/nats/actor-host.ts";
import type { ResolvedTarget } from "../../protocol/quality-gate.ts";

/** The identity of the "developer" who made the test repos. */
export const DEV_ID = ["-c", "user.name=Repo Dev", "-c", "user.email=dev@example.invalid"];
/** The identity patchbay commits with in these tests. */
export const PATCHBAY_AUTHOR = { name: "patchbay", email: "patchbay@example.invalid" };

/** Runs git in `cwd` and returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout.trim()),
    );
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
export async function branchWith(
  dir: string,
  from: string,
  branch: string,
  changes: Record<string, string | null>,
): Promise<string> {
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
  /** `integrity` of each `name@version` it serves, for lockfiles. */
  integrity: Map<string, string>;
  close(): Promise<void>;
}

/** A stand-in for prettier: `--write` strips trailing whitespace from the .js files under the cwd. */
const FAKE_PRETTIER = `#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const skip = /^(node_modules|\\.git|\\.patchbay-home|\\.patchbay-tmp)$/;
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip.test(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (file.endsWith(".js")) {
      const text = fs.readFileSync(file, "utf8");
      const tidy = text.replace(/[ \\t]+$/gm, "");
      if (tidy !== text) fs.writeFileSync(file, tidy);
    }
  }
}
if (process.argv.includes("--write")) walk(process.cwd());
`;

/** What the stub registry serves: tinydep 1.0.0 and 2.0.0 (latest), and a fake prettier 3.0.0 with a bin. */
const PACKAGES: Record<
  string,
  { latest: string; files: (version: string) => Record<string, string>; manifest?: Record<string, unknown> }
> = {
  tinydep: {
    latest: "2.0.0",
    files: (version) => ({
      "package/package.json": JSON.stringify({ name: "tinydep", version, main: "index.js" }),
      "package/index.js": `module.exports = ${JSON.stringify(version)};\n`,
    }),
  },
  prettier: {
    latest: "3.0.0",
    files: (version) => ({
      "package/package.json": JSON.stringify({ name: "prettier", version, bin: { prettier: "bin.js" } }),
      "package/bin.js": FAKE_PRETTIER,
    }),
    manifest: { bin: { prettier: "bin.js" } },
  },
};
const VERSIONS: [string, string][] = [
  ["tinydep", "1.0.0"],
  ["tinydep", "2.0.0"],
  ["prettier", "3.0.0"],
];

async function tarball(name: string, version: string, work: string): Promise<Buffer> {
  const dir = join(work, `${name}-${version}`);
  await writeFiles(dir, PACKAGES[name].files(version));
  await new Promise<void>((resolve, reject) =>
    execFile("tar", ["-czf", "pkg.tgz", "package"], { cwd: dir }, (err) => (err ? reject(err) : resolve())),
  );
  return readFile(join(dir, "pkg.tgz"));
}

function packument(name: string, base: string, tarballs: Map<string, Buffer>): string {
  const versions = Object.fromEntries(
    VERSIONS.filter(([pkg]) => pkg === name).map(([, version]) => {
      const buf = tarballs.get(`${name}@${version}`) as Buffer;
      const dist = {
        tarball: `${base}/${name}/-/${name}-${version}.tgz`,
        integrity: integrityOf(buf),
        shasum: createHash("sha1").update(buf).digest("hex"),
      };
      return [version, { name, version, ...PACKAGES[name].manifest, dist }];
    }),
  );
  return JSON.stringify({ name, "dist-tags": { latest: PACKAGES[name].latest }, versions });
}

function integrityOf(buf: Buffer): string {
  return `sha512-${createHash("sha512").update(buf).digest("base64")}`;
}

/** Starts the registry; every POST (npm audit) is answered with 405, as by mirrors that only serve GET. */
export async function startStubRegistry(work: string): Promise<StubRegistry> {
  const tarballs = new Map<string, Buffer>();
  for (const [name, version] of VERSIONS) tarballs.set(`${name}@${version}`, await tarball(name, version, work));
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.method !== "GET" && req.method !== "HEAD") {
      refused.push(req.url ?? "");
      return void res.writeHead(405, { allow: "GET,HEAD" }).end();
    }
    const file = /^\/([a-z]+)\/-\/[a-z]+-(\d+\.\d+\.\d+)\.tgz$/.exec(req.url ?? "");
    const buf = file === null ? undefined : tarballs.get(`${file[1]}@${file[2]}`);
    if (buf !== undefined) return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(buf);
    const name = (req.url ?? "").slice(1);
    if (!(name in PACKAGES))
      return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    res.writeHead(200, { "content-type": "application/json" }).end(packument(name, base, tarballs));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const integrity = new Map([...tarballs].map(([key, buf]) => [key, integrityOf(buf)]));
  return { url, refused, integrity, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** package-lock.json (v3) for a package with `deps` (name → exact version served by `registry`). */
export function lockfileWith(name: string, registry: StubRegistry, deps: Record<string, string>, dev = false): string {
  const packages: Record<string, unknown> = {
    "": {
      name,
      version: "1.0.0",
      [dev ? "devDependencies" : "dependencies"]: Object.fromEntries(
        Object.entries(deps).map(([dep, version]) => [dep, `^${version}`]),
      ),
    },
  };
  for (const [dep, version] of Object.entries(deps)) {
    packages[`node_modules/${dep}`] = {
      version,
      resolved: `${registry.url}${dep}/-/${dep}-${version}.tgz`,
      integrity: registry.integrity.get(`${dep}@${version}`),
      ...(dev ? { dev: true } : {}),
      ...PACKAGES[dep].manifest,
    };
  }
  return JSON.stringify({ name, version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** Real ports for the checker: workspaces in a temp cache, one analysis thread, the sandbox. */
export function checkerPorts(cacheDir: string, log: string[] = []): { ports: CheckerPorts; analysis: AnalysisPool } {
  const analysis = createAnalysisPool({ threads: 1 });
  const workspaces = createWorkspaces({ cacheDir, author: PATCHBAY_AUTHOR, allowEnvironment: ["GIT_CONFIG_NOSYSTEM"] });
  const ports: CheckerPorts = {
    workspaces,
    analysis,
    run: runInSandbox,
    now: Date.now,
    log: (line) => log.push(line),
    runner: "test:1",
  };
  return { ports, analysis };
}

/** A target on `branch` at `sha`, compared with main. */
export function targetOf(repo: string, branch: string, sha: string, baseSha?: string): ResolvedTarget {
  return { repo, branch, head_sha: sha, base: "main", base_sha: baseSha };
}

/** A task handler as the actor host runs it: the raw input in, the output checked by the contract out. */
export type RawHandler = (input: unknown, ctx: TaskContext) => Promise<unknown>;

/** Runs `binding` as the actor host does (input parsed, output validated by its contract). */
export function rawHandler(binding: TaskBinding): RawHandler {
  return (input, ctx) => runBinding(binding, input, ctx);
}

/** A TaskContext for calling handlers directly. */
export function taskContext(kind: string): TaskContext {
  return {
    task: {
      task_id: "t1",
      workflow_id: "wf-test",
      run: 1,
      kind,
      attempt: 1,
      deadline: Date.now() + 600_000,
      input: {},
    } as unknown as TaskContext["task"],
    delivery: 1,
    signal: new AbortController().signal,
    log: () => undefined,
    idempotencyKey: "wf-test/1/t1",
    assertCurrent: async () => undefined,
  };
}
