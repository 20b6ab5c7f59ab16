/**
 * Git for patchbay: a cached clone per repository, a worktree per task, pushes, all with
 * patchbay's own identity. See docs/sandbox-git.md.
 */
export { assertBranchName, createWorkspaces, pushBranch } from "./workspace.ts";
export type { PushOptions, Workspaces, WorkspacesOptions, WorktreeOptions, WorktreeTask } from "./workspace.ts";
export { cacheKey, normalizeSource } from "./clone-cache.ts";
export type { CachedRepo } from "./clone-cache.ts";
export { identityConfig, validateIdentity } from "./identity.ts";
export type { GitIdentity } from "./identity.ts";
export { acquireLock, withLock } from "./lock.ts";
export type { LockHandle, LockOptions } from "./lock.ts";
