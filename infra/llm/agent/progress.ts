/**
 * Whether the agent changed anything: the worktree's content as one git tree id, written from
 * a throw-away index (`git add -A` into a temporary GIT_INDEX_FILE, then `git write-tree`),
 * so that any edit, creation or deletion, by a tool or by a command, changes it and nothing
 * of the task's own index is touched.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("git", args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    ),
  );
}

/** The tree id of everything in `worktree` that git would add. */
export async function treeFingerprint(worktree: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-index-"));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(dir, "index") };
    await git(worktree, ["add", "-A", "."], env);
    return await git(worktree, ["write-tree"], env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Counts identical tool calls and steps without a change to the tree. */
export class LoopGuard {
  private readonly calls = new Map<string, number>();
  private lastTree: string | undefined;
  private idle = 0;
  private readonly maxRepeats: number;
  private readonly maxIdleSteps: number;

  constructor(maxRepeats: number, maxIdleSteps: number) {
    this.maxRepeats = maxRepeats;
    this.maxIdleSteps = maxIdleSteps;
  }

  /** Notes one call; the reason to stop when it is the `maxRepeats`-th identical one. */
  noteCall(name: string, args: string): string | undefined {
    let canonical = args;
    try {
      canonical = JSON.stringify(JSON.parse(args));
    } catch {
      /* compared as sent */
    }
    const key = `${name} ${canonical}`;
    const seen = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, seen);
    return seen >= this.maxRepeats ? `the same call ${name}(${canonical.slice(0, 200)}) ${seen} times` : undefined;
  }

  /** Notes the tree after a step; the reason to stop after `maxIdleSteps` steps without a change. */
  noteTree(tree: string): string | undefined {
    this.idle = tree === this.lastTree ? this.idle + 1 : 0;
    this.lastTree = tree;
    return this.idle >= this.maxIdleSteps ? `${this.idle} steps without a change to the tree` : undefined;
  }
}
