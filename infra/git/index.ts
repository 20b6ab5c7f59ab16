/**
 * Git for patchbay: a cached clone per repository, a worktree per task, pushes, all with
 * patchbay's own identity. See docs/sandbox-git.md.
 */
export { assertBranchName, createWorkspaces, pushBranch } from "./workspace.ts";
export type { PushOptions, Workspaces, WorkspacesOptions, WorktreeOptions, WorktreeTask } from "./workspace.ts";
export { changedFiles, commitOfTask, fetchBranch, taskTrailer } from "./task-commit.ts";
export { hasConflictMarkers } from "./conflicts.ts";
export { checkoutStart, earlierMerge, mergeMessage, mergeTask, pushFeature, unmergedFiles } from "./integration.ts";
export type { ConflictedFile, Integration, MergeResult, MergeStart } from "./integration.ts";
export { cacheKey, normalizeSource } from "./clone-cache.ts";
export type { CachedRepo } from "./clone-cache.ts";
export { identityConfig, validateIdentity } from "./identity.ts";
export type { GitIdentity } from "./identity.ts";
export { acquireLock, withLock } from "./lock.ts";
export type { LockHandle, LockOptions } from "./lock.ts";
