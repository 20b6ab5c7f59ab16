/**
 * The sandbox for running a repository's own commands, and the path checks that keep
 * patches inside a worktree. See docs/sandbox-git.md.
 */
export { runInSandbox } from "./sandbox.ts";
export type { SandboxOptions, SandboxResult } from "./sandbox.ts";
export type { SandboxIsolation } from "./bwrap.ts";
export { isSecretName, SANDBOX_HOME_DIR, SANDBOX_TMP_DIR } from "./env.ts";
export { assertPatchPathsInside, isWithin, patchPaths, resolveInside } from "./paths.ts";
export type { PatchPath } from "./diff-paths.ts";
