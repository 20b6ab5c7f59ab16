/**
 * bubblewrap support: finding `bwrap`, checking once per binary that it really works on
 * this machine (user namespaces are often unavailable inside containers), and the
 * command line that confines a command to its worktree.
 */
import { execFile } from "node:child_process";
import { access, constants, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** How a command was isolated: by bubblewrap, or plainly with the reason bwrap was not used. */
export type SandboxIsolation = { kind: "bwrap"; bwrapPath: string } | { kind: "plain"; reason: string };

const PROBE_TIMEOUT_MS = 10_000;
const probes = new Map<string, Promise<SandboxIsolation>>();

/** Finds an executable file: `name` itself if it contains a slash, otherwise along `searchPath`. */
export async function findExecutable(name: string, searchPath: string, cwd: string): Promise<string | undefined> {
  const candidates = name.includes("/")
    ? [name.startsWith("/") ? name : join(cwd, name)]
    : searchPath
        .split(delimiter)
        .filter((dir) => dir.startsWith("/"))
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      if ((await stat(candidate)).isFile()) {
        await access(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here, or not executable: try the next one
    }
  }
  return undefined;
}

/** patchbay's install (its node_modules, configs) and the Node running it. */
const TOOL_DIRS = [
  ...new Set([fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, ""), dirname(process.execPath)]),
];

/**
 * The bwrap arguments that run `file args` with `root` writable and the rest read-only;
 * `readOnly` paths are bound read-only after the worktree (so they may lie inside it or
 * under /tmp).
 */
export function bwrapArgs(
  root: string,
  readOnly: readonly string[],
  file: string,
  args: readonly string[],
  writable: readonly string[] = [],
): string[] {
  // Order matters: the tmpfs on /tmp comes before the worktree bind, or a worktree under
  // /tmp would be hidden by it; patchbay's own tools (its Node, its node_modules: c8, eslint)
  // are bound back read-only when they live under /tmp, before the worktree, which may lie
  // inside them.
  const argv = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  for (const path of TOOL_DIRS) if (path === "/tmp" || path.startsWith("/tmp/")) argv.push("--ro-bind", path, path);
  argv.push("--bind", root, root);
  for (const path of writable) argv.push("--bind", path, path);
  for (const path of readOnly) argv.push("--ro-bind", path, path);
  argv.push("--die-with-parent", "--chdir", root, "--", file, ...args);
  return argv;
}

/**
 * Decides how to isolate: bwrap when wanted, found and working, else plain with a reason.
 * The probe runs once per bwrap binary and process; later calls reuse its verdict.
 */
export async function chooseIsolation(
  useBwrap: "auto" | "never",
  bwrapPath: string | undefined,
  searchPath: string,
): Promise<SandboxIsolation> {
  if (useBwrap === "never") return { kind: "plain", reason: "bwrap disabled (useBwrap: never)" };
  const found = bwrapPath ?? (await findExecutable("bwrap", searchPath, "/"));
  if (found === undefined) return { kind: "plain", reason: "bwrap not found on PATH" };
  let probe = probes.get(found);
  if (probe === undefined) {
    probe = probeBwrap(found);
    probes.set(found, probe);
  }
  return probe;
}

/** Runs a trivial command under bwrap with the same mounts a real run uses, binding a temp dir. */
async function probeBwrap(bwrapPath: string): Promise<SandboxIsolation> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-bwrap-probe-"));
  try {
    const marker = join(dir, "probe");
    const argv = bwrapArgs(dir, [], "/bin/sh", ["-c", 'echo ok > "$1"', "sh", marker]);
    const failure = await new Promise<string | undefined>((resolve) => {
      execFile(bwrapPath, argv, { timeout: PROBE_TIMEOUT_MS, env: { PATH: "/usr/bin:/bin" } }, (err, _out, stderr) => {
        resolve(err ? `${err.message.split("\n")[0]} ${String(stderr).trim()}`.trim() : undefined);
      });
    });
    if (failure !== undefined) return { kind: "plain", reason: `bwrap at ${bwrapPath} does not work here: ${failure}` };
    const written = await readFile(marker, "utf8").catch(() => "");
    if (written.trim() !== "ok") {
      return { kind: "plain", reason: `bwrap at ${bwrapPath} ran but could not write to a bound directory` };
    }
    return { kind: "bwrap", bwrapPath };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
