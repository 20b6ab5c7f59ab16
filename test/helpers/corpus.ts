/**
 * The test corpus of public repositories (`test/corpus/manifest.json`): each one is fetched
 * by the ordinary package clients (`npm pack` for an npm tarball, `apt-get download` for a
 * Debian binary package, curl from Debian's pool for the upstream tarball of a Debian source
 * package), verified against the pinned digest, cached under
 * `~/.cache/patchbay-corpus`, unpacked and turned into a git repository with one commit on
 * `main` and a branch `planted` holding a one-line bug that a named test catches.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { DEV_ID, git, writeFiles } from "./repos.ts";

/** Test counts of one run. */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
}

/** An npm tarball pinned by version and the registry's `dist.integrity`. */
export interface NpmSource {
  kind: "npm";
  package: string;
  version: string;
  integrity: string;
}

/** Debian binary packages pinned by version and the .deb's SHA256; `take` maps a folder of the package to the repo. */
export interface DebianSource {
  kind: "debian";
  packages: { name: string; version: string; arch: string; sha256: string }[];
  take: Record<string, string>;
}

/**
 * The upstream release tarball a Debian source package is built from (`<package>_<v>.orig.tar.*`,
 * the project's tagged tree as its maintainers publish it, tests and configs included), pinned
 * by the SHA256 that the package's `.dsc` lists.
 */
export interface DebianOrigSource {
  kind: "debian-orig";
  /** The source package, e.g. `node-commander`. */
  package: string;
  file: string;
  sha256: string;
}

/** What the repository's own run gave on this machine, and how it was measured. */
export interface OwnRun {
  /** How its dependencies are installed before `command` (npm sources: `npm install --no-audit --no-fund`). */
  install?: string;
  command: string;
  runtime: string;
  tests: Counts;
  /** Lines %, from the repo's own coverage tool or the `coverage_command` when it has none. */
  coverage: number;
  coverage_command?: string;
  /** The repo's own linter (errors, warnings), where it has one. */
  lint?: { command: string; errors: number; warnings: number };
}

/** A one-line bug: `find` (unique in `file`) becomes `replace`; the own run's failing tests. */
export interface Planted {
  file: string;
  find: string;
  replace: string;
  failing_tests: string[];
  tests: Counts;
}

/** One repository of the corpus. */
export interface CorpusRepo {
  name: string;
  runner: string;
  manager: string;
  source: NpmSource | DebianSource | DebianOrigSource;
  /** Files the arrangement adds (each one explained in `arrangement`). */
  add: Record<string, string>;
  arrangement: string;
  own_run: OwnRun;
  planted: Planted;
  /**
   * Assertions the gate does not meet yet on this repository, each with what is missing. Their
   * tests are declared `failing`: they must fail, and the day the gate gets it right ava
   * reports them, so the gap is closed in the manifest.
   */
  known_gaps?: Partial<Record<CorpusAssertion, string>>;
}

/** The corpus test's assertions on one repository. */
export type CorpusAssertion = "unit" | "coverage" | "security" | "lint" | "merge" | "planted";

/** The manifest's root. */
export interface CorpusManifest {
  repos: CorpusRepo[];
}

const MANIFEST = new URL("../corpus/manifest.json", import.meta.url);

/** Reads the manifest; `only` (comma-separated names, e.g. from CORPUS_REPOS) keeps a subset. */
export async function loadCorpus(only?: string): Promise<CorpusRepo[]> {
  const manifest = JSON.parse(await readFile(MANIFEST, "utf8")) as CorpusManifest;
  const names = only?.split(",").filter(Boolean) ?? [];
  return names.length === 0 ? manifest.repos : manifest.repos.filter((repo) => names.includes(repo.name));
}

/** Where downloads are kept between runs. */
export function corpusCacheDir(): string {
  return process.env.PATCHBAY_CORPUS_CACHE ?? join(homedir(), ".cache", "patchbay-corpus");
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

async function digestOf(file: string, algorithm: "sha512" | "sha256"): Promise<string> {
  const hash = createHash(algorithm).update(await readFile(file));
  return algorithm === "sha512" ? `sha512-${hash.digest("base64")}` : hash.digest("hex");
}

/** A cached file whose digest matches, else `download()` then verification; throws on a mismatch. */
async function verified(
  file: string,
  algorithm: "sha512" | "sha256",
  expected: string,
  download: () => Promise<void>,
): Promise<string> {
  const cached = await digestOf(file, algorithm).catch(() => undefined);
  if (cached === expected) return file;
  await download();
  const got = await digestOf(file, algorithm);
  if (got !== expected) throw new Error(`${file}: ${algorithm} ${got}, the manifest pins ${expected}`);
  return file;
}

async function npmTarball(source: NpmSource, cache: string): Promise<string> {
  const file = join(cache, `${source.package.replace(/^@/, "").replace("/", "-")}-${source.version}.tgz`);
  return verified(file, "sha512", source.integrity, async () => {
    await run("npm", ["pack", `${source.package}@${source.version}`, "--pack-destination", cache], cache);
  });
}

async function debianPackage(pkg: DebianSource["packages"][number], cache: string): Promise<string> {
  const file = join(cache, `${pkg.name}_${pkg.version.replace(/^\d+:/, "")}_${pkg.arch}.deb`);
  return verified(file, "sha256", pkg.sha256, async () => {
    await run("apt-get", ["download", `${pkg.name}=${pkg.version}`], cache);
  });
}

/** Debian's pool folder of a source package: `pool/main/n/node-arg`, `pool/main/libx/libxml2`. */
function poolUrl(pkg: string, file: string): string {
  const prefix = pkg.startsWith("lib") ? pkg.slice(0, 4) : pkg[0];
  return `http://deb.debian.org/debian/pool/main/${prefix}/${pkg}/${file}`;
}

async function unpackDebianOrig(source: DebianOrigSource, cache: string, dir: string): Promise<void> {
  const file = join(cache, source.file);
  await verified(file, "sha256", source.sha256, async () => {
    await run("curl", ["-fsSL", "--retry", "3", "-o", file, poolUrl(source.package, source.file)], cache);
  });
  await run("tar", ["-xf", file, "-C", dir, "--strip-components=1"], dir);
}

async function unpackNpm(source: NpmSource, cache: string, dir: string): Promise<void> {
  const tarball = await npmTarball(source, cache);
  await run("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1"], dir);
}

async function unpackDebian(source: DebianSource, cache: string, dir: string): Promise<void> {
  const root = await mkdtemp(join(cache, "deb-"));
  try {
    for (const pkg of source.packages) await run("dpkg-deb", ["-x", await debianPackage(pkg, cache), root], root);
    for (const [from, to] of Object.entries(source.take)) {
      await mkdir(dirname(join(dir, to)), { recursive: true });
      await cp(join(root, from), join(dir, to), { recursive: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function dropCompiledPython(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory() && entry.name === "__pycache__")
      await rm(join(entry.parentPath, entry.name), { recursive: true, force: true });
  }
}

/** The repository's files in `dir`: the pinned package unpacked, plus the arrangement's files. */
export async function unpackRepo(repo: CorpusRepo, dir: string): Promise<void> {
  const cache = corpusCacheDir();
  await mkdir(cache, { recursive: true });
  await mkdir(dir, { recursive: true });
  if (repo.source.kind === "npm") await unpackNpm(repo.source, cache, dir);
  else if (repo.source.kind === "debian-orig") await unpackDebianOrig(repo.source, cache, dir);
  else await unpackDebian(repo.source, cache, dir);
  await dropCompiledPython(dir);
  await writeFiles(dir, repo.add);
}

/** Applies the planted one-line bug; throws unless `find` occurs exactly once. */
export async function plantBug(dir: string, planted: Planted): Promise<void> {
  const file = join(dir, planted.file);
  const text = await readFile(file, "utf8");
  const parts = text.split(planted.find);
  if (parts.length !== 2) throw new Error(`${planted.file}: the planted line occurs ${parts.length - 1} times`);
  await writeFile(file, parts.join(planted.replace));
}

/** A corpus repository as git sees it: `main` (the package) and `planted` (the bug). */
export interface CorpusOrigin {
  dir: string;
  main: string;
  planted: string;
}

/** Builds the repository in `dir` (main + planted) and leaves it on main. */
export async function buildOrigin(repo: CorpusRepo, dir: string): Promise<CorpusOrigin> {
  await unpackRepo(repo, dir);
  await git(dir, "init", "--quiet", "-b", "main");
  await git(dir, "add", "-A");
  await git(dir, ...DEV_ID, "commit", "--quiet", "-m", `${repo.name} as published`);
  const main = await git(dir, "rev-parse", "HEAD");
  await git(dir, "checkout", "--quiet", "-b", "planted");
  await plantBug(dir, repo.planted);
  await git(dir, ...DEV_ID, "commit", "--quiet", "-am", `planted bug in ${repo.planted.file}`);
  const planted = await git(dir, "rev-parse", "HEAD");
  await git(dir, "checkout", "--quiet", "main");
  return { dir, main, planted };
}
