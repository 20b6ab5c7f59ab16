/**
 * The migration branch as the coder sees it: fetched from the repository, searched for the
 * commit a task already made (it carries the task's key, `Patchbay-Task:`), and pushed to.
 * The helpers are git's (infra/git/task-commit.ts), shared with the merger's integration.
 */
export { changedFiles, commitOfTask, fetchBranch, taskTrailer } from "../../infra/git/index.ts";
