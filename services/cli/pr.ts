/**
 * `patchbay pr create|list|show|merge`: pull requests of the local forge. The repository is a
 * path (a relative one is taken from the current directory; it is its own remote) or a URL.
 * Records live in the `forge` bucket of the NATS found as for every command; links use the
 * gateway that NATS announced (else PATCHBAY_GATEWAY_URL); the git cache is under PATCHBAY_WORK_DIR.
 */
import { isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../infra/config.ts";
import { openLocalForge } from "../../infra/forge/index.ts";
import type { LocalForge, PullRequest } from "../../infra/forge/index.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { announcedGatewayUrl } from "../gateway/announce.ts";
import { withClient } from "./commands.ts";

/** Options every `pr` command takes. */
interface PrCommon {
  repo: string;
  nats?: string;
  json?: boolean;
}

const STATES = ["open", "merged", "closed"] as const;

/**
 * Connects, opens the local forge, runs `fn`; errors are reported as for every command. Links
 * use the URL the gateway of the same NATS announced, else PATCHBAY_GATEWAY_URL (or its default).
 */
function withForge(opts: PrCommon, fn: (forge: LocalForge, repo: string) => Promise<void>): Promise<void> {
  return withClient(opts, async (client) => {
    const cfg = loadConfig();
    const gatewayUrl = (await announcedGatewayUrl(client.nc)) ?? cfg.gatewayUrl;
    const forge = await openLocalForge(client.nc, { workDir: cfg.workDir, gatewayUrl });
    await fn(forge, repoArgument(opts.repo));
  });
}

/** URLs as given; paths made absolute against the current directory. */
export function repoArgument(value: string): string {
  if (isAbsolute(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[\w.-]+@[\w.-]+:/.test(value)) return value;
  return resolve(value);
}

function prNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new TerminalError(ErrorCode.InvalidInput, `pull request number must be a positive integer, got '${text}'`);
  return n;
}

async function mustGet(forge: LocalForge, repo: string, n: number): Promise<PullRequest> {
  const pr = await forge.getPullRequest(repo, n);
  if (pr === undefined) throw new TerminalError(ErrorCode.PrNotFound, `no pull request #${n} in ${repo}`);
  return pr;
}

const out = (value: unknown) => console.log(JSON.stringify(value));
const collect = (value: string, previous: string[]) => [...previous, value];

/** One line of `pr list`. */
export function prRow(pr: PullRequest): string {
  const labels = pr.labels.length ? `  [${pr.labels.join(", ")}]` : "";
  return `#${pr.number}\t${pr.state.padEnd(6)}\t${pr.head} → ${pr.base}\t${pr.title}${labels}`;
}

/** The lines of `pr show`. */
export function prLines(pr: PullRequest): string[] {
  const lines = [
    `#${pr.number} ${pr.title}`,
    `state:    ${pr.state}${pr.merge_commit_sha ? ` (${pr.merge_commit_sha})` : ""}`,
    `branches: ${pr.head} → ${pr.base}`,
    `labels:   ${pr.labels.join(", ") || "-"}`,
    `url:      ${pr.url}`,
  ];
  for (const s of pr.statuses) lines.push(`status:   ${s.context} ${s.state} ${s.description}`);
  lines.push(`comments: ${pr.comments.length}`);
  if (pr.body) lines.push("", pr.body);
  return lines;
}

/** A `--state` value, or INVALID_INPUT naming the allowed ones. */
function prState(value: string): PullRequest["state"] {
  const state = STATES.find((s) => s === value);
  if (!state)
    throw new TerminalError(ErrorCode.InvalidInput, `--state must be one of ${STATES.join(", ")}, got '${value}'`);
  return state;
}

const NATS = ["--nats <url>", "NATS URL (else NATS_URL, the running `up`, or nats://127.0.0.1:4222)"] as const;
const REPO = ["--repo <path|url>", "the repository (a path is its own remote)"] as const;

/** Registers `pr` and its subcommands on `program`. */
export function registerPrCommands(program: Command): void {
  const pr = program.command("pr").description("pull requests of the local forge");
  registerCreate(pr);
  pr.command("list")
    .description("list pull requests, lowest number first")
    .requiredOption(...REPO)
    .option("--state <state>", STATES.join("|"))
    .option(...NATS)
    .option("--json")
    .action((o: PrCommon & { state?: string }) =>
      withForge(o, async (forge, r) => {
        const prs = await forge.listPullRequests(r, o.state === undefined ? {} : { state: prState(o.state) });
        if (o.json) out(prs);
        else if (prs.length === 0)
          console.log(`no pull requests${o.state === undefined ? "" : ` (--state ${o.state})`}`);
        else for (const p of prs) console.log(prRow(p));
      }),
    );
  pr.command("show <number>")
    .description("one pull request")
    .requiredOption(...REPO)
    .option(...NATS)
    .option("--json")
    .action((n: string, o: PrCommon) =>
      withForge(o, async (forge, r) => {
        const found = await mustGet(forge, r, prNumber(n));
        if (o.json) out(found);
        else for (const l of prLines(found)) console.log(l);
      }),
    );
  registerMerge(pr);
}

function registerCreate(pr: Command): void {
  pr.command("create")
    .description("open a pull request (an open one for the same head and base is returned)")
    .requiredOption(...REPO)
    .requiredOption("--head <branch>", "branch with the changes")
    .option("--base <branch>", "branch to merge into", "main")
    .requiredOption("--title <text>")
    .option("--body <text>", "description", "")
    .option("--label <name>", "a label (repeatable)", collect, [] as string[])
    .option(...NATS)
    .option("--json", "print the pull request as JSON")
    .action((o: PrCommon & { head: string; base: string; title: string; body: string; label: string[] }) =>
      withForge(o, async (forge, r) => {
        const { title, body, head, base, label: labels } = o;
        const created = await forge.createPullRequest(r, { title, body, head, base, labels });
        if (o.json) out(created);
        else console.log(created.url);
      }),
    );
}

function registerMerge(pr: Command): void {
  pr.command("merge <number>")
    .description("merge with a real merge commit and push base")
    .requiredOption(...REPO)
    .option(...NATS)
    .option("--json")
    .action((n: string, o: PrCommon) =>
      withForge(o, async (forge, r) => {
        const number = prNumber(n);
        const { merge_commit_sha } = await forge.merge(r, number);
        const merged = await mustGet(forge, r, number);
        if (o.json) out(merged);
        else console.log(`merged #${number} into ${merged.base}: ${merge_commit_sha}`);
      }),
    );
}
