/**
 * The simple-git instances patchbay uses: every one carries patchbay's identity and
 * settings that keep repository content from running code in patchbay's process (no hooks,
 * no signing), and simple-git's guard strips ambient GIT_* variables (GIT_DIR,
 * GIT_AUTHOR_NAME, …) unless they are named in `allowEnvironment`.
 */
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import { identityConfig } from "./identity.ts";
import type { GitIdentity } from "./identity.ts";

/** What every git command of a workspace set shares. */
export interface GitContext {
  /** `key=value` settings passed as `git -c`. */
  config: string[];
  /** Ambient GIT_* variables to keep (e.g. GIT_SSL_CAINFO). */
  allowEnvironment: readonly string[];
}

/** Builds the shared context for an identity. */
export function gitContext(author: GitIdentity, allowEnvironment: readonly string[] = []): GitContext {
  return {
    config: [...identityConfig(author), "core.hooksPath=/dev/null", "commit.gpgSign=false", "tag.gpgSign=false"],
    allowEnvironment,
  };
}

/** A simple-git instance working in `baseDir` with the context's settings. */
export function makeGit(context: GitContext, baseDir: string): SimpleGit {
  return simpleGit({
    baseDir,
    config: context.config,
    allowEnvironment: context.allowEnvironment,
    // core.hooksPath is set by us, to /dev/null, so hooks never run.
    unsafe: { allowUnsafeHooksPath: true },
  });
}
