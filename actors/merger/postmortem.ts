/**
 * incident-swarm's `incident.postmortem`: the postmortem committed as
 * `docs/postmortems/<alert id>.md` on its own branch from base, with patchbay's identity, and
 * pushed. On redelivery the branch already holds the file: its commit is answered again.
 */
import type { SimpleGit } from "simple-git";
import { implement, type TaskBinding, type TaskContext } from "../../infra/nats/actor-host.ts";
import type { Forge } from "../../infra/forge/types.ts";
import { pushBranch, type Workspaces } from "../../infra/git/index.ts";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { IncidentTasks } from "../../protocol/incident-swarm.ts";
import { taskMarker } from "./incident-forge.ts";

/** What the postmortem task needs. */
export interface PostmortemPorts {
  forge: Forge;
  workspaces: Workspaces;
}

/** An alert id as a file or branch name part: letters, digits, `.`, `_`, `-`, not `.` or `..`. */
export function assertAlertId(id: string): void {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id) || /^\.\.?$/.test(id))
    throw new TerminalError(ErrorCode.InvalidInput, `alert id ${JSON.stringify(id)} is not a valid file name`);
}

/** Where an alert's postmortem lives in the service repository. */
export function postmortemPath(alertId: string): string {
  assertAlertId(alertId);
  return `docs/postmortems/${alertId}.md`;
}

/** `incident.postmortem`, bound to its contract. */
export function postmortemBinding(ports: PostmortemPorts): TaskBinding {
  return implement(IncidentTasks.postmortem, async (input, ctx) => {
    const path = postmortemPath(input.alert_id);
    const repo = await ports.workspaces.ensureClone(input.repo);
    const exists = (await ports.forge.branchSha(input.repo, input.branch)) !== undefined;
    const start = exists ? { ref: input.branch } : { ref: input.base, branch: input.branch };
    const commitSha = await ports.workspaces.withWorktree(repo, start, (dir, git) =>
      commitFile(
        git,
        join(dir, path),
        { path, branch: input.branch, text: input.markdown, title: input.alert_id },
        ctx,
      ),
    );
    await ports.forge.addRepository(input.repo);
    return {
      path,
      branch: input.branch,
      commit_sha: commitSha,
      url: ports.forge.fileUrl(input.repo, input.branch, path),
    };
  });
}

interface FileCommit {
  path: string;
  branch: string;
  text: string;
  title: string;
}

/** Writes and commits the file unless it already reads `text`; pushes; returns the commit that wrote it. */
async function commitFile(git: SimpleGit, file: string, spec: FileCommit, ctx: TaskContext): Promise<string> {
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === spec.text) return (await git.raw(["log", "-1", "--format=%H", "--", spec.path])).trim();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, spec.text);
  await git.raw(["add", "--", spec.path]);
  await git.raw(["commit", "--quiet", "-m", `Postmortem of ${spec.title}`, "-m", taskMarker(ctx.idempotencyKey)]);
  await ctx.assertCurrent();
  await pushBranch(git, "origin", spec.branch, { from: "HEAD" });
  return (await git.revparse(["HEAD"])).trim();
}
