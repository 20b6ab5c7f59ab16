/**
 * The merger role's quality-gate tasks: resolve what to check (a branch or a PR of the forge)
 * and report the verdict on the PR (a status and one comment, updated on re-runs).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import type { Forge } from "../../infra/forge/types.ts";
import type { Workspaces } from "../../infra/git/index.ts";
import { parseOrThrow } from "../../protocol/codec.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { GateConfig, GateTasks, type ResolvedTarget } from "../../protocol/quality-gate.ts";
import { GATE_COMMENT_KEY, GATE_STATUS_CONTEXT, gateComment, gateStatus } from "./report.ts";

const run = promisify(execFile);

/** Ports of the merger role. */
export interface MergerPorts {
  forge: Forge;
  workspaces: Workspaces;
}

/** `gate.resolve`: branch (or PR head), shas, base, and the repository's gate config. */
export function resolveBinding(ports: MergerPorts): TaskBinding {
  return implement(GateTasks.resolve, async (input) => {
    let branch = input.branch;
    let base = input.base;
    let prUrl: string | undefined;
    if (input.pr_number !== undefined) {
      const pr = await ports.forge.getPullRequest(input.repo, input.pr_number);
      if (!pr) throw new TerminalError(ErrorCode.PrNotFound, `no pull request #${input.pr_number} in ${input.repo}`);
      branch = pr.head;
      base ??= pr.base;
      prUrl = pr.url;
    }
    const head = branch as string;
    const headSha = await ports.forge.branchSha(input.repo, head);
    if (!headSha) throw new TerminalError(ErrorCode.BranchNotFound, `branch '${head}' does not exist in ${input.repo}`);
    base ??= "main";
    const baseSha = await ports.forge.branchSha(input.repo, base);
    const config = await readGateConfig(ports.workspaces, input.repo, headSha);
    const target: ResolvedTarget = {
      repo: input.repo,
      branch: head,
      head_sha: headSha,
      base,
      ...(baseSha ? { base_sha: baseSha } : {}),
      ...(input.pr_number !== undefined ? { pr_number: input.pr_number } : {}),
      ...(prUrl ? { pr_url: prUrl } : {}),
      ...(config ? { config } : {}),
    };
    return target;
  });
}

/** `"patchbay": {"gate": {...}}` of package.json, else patchbay.json's `gate`, at `sha`. */
async function readGateConfig(workspaces: Workspaces, repo: string, sha: string): Promise<GateConfig | undefined> {
  const cached = await workspaces.ensureClone(repo);
  for (const [file, pick] of [
    ["package.json", (j: { patchbay?: { gate?: unknown } }) => j.patchbay?.gate],
    ["patchbay.json", (j: { gate?: unknown }) => j.gate],
  ] as const) {
    const text = await run("git", ["-C", cached.dir, "show", `${sha}:${file}`]).then(
      (r) => r.stdout,
      () => undefined,
    );
    if (!text) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const gate = (pick as (j: unknown) => unknown)(json);
    if (gate !== undefined) return parseOrThrow(gate, GateConfig, ErrorCode.InvalidInput);
  }
  return undefined;
}

/** `gate.report`: the PR's status and the gate's comment (updated in place on re-runs). */
export function reportBinding(ports: MergerPorts): TaskBinding {
  return implement(GateTasks.report, async (input) => {
    const result = input.result;
    const number = input.target.pr_number;
    if (number === undefined) return { reported: false };
    const status = gateStatus(result);
    await ports.forge.setStatus(input.target.repo, number, { ...status, context: GATE_STATUS_CONTEXT });
    const comment = await ports.forge.upsertComment(input.target.repo, number, {
      key: GATE_COMMENT_KEY,
      body: gateComment(result, input.workflow_id),
    });
    return { reported: true, status: status.state, comment_id: comment.id };
  });
}
