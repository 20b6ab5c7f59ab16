/**
 * The workflow commands of the CLI: start, status, show, list, queues, signal, cancel, reset,
 * watch (dlq.ts adds `dlq`). Each connects by `--nats`, NATS_URL, the URL of a running `up`, or 127.0.0.1:4222.
 */
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { Rules, loadConfig, resolveNatsUrl } from "../../infra/config.ts";
import { connectNats } from "../../infra/nats/connect.ts";
import { ErrorCode, TerminalError, ensureError } from "../../protocol/errors.ts";
import {
  PatchbayClient,
  outcomeError,
  viewOf,
  type HistoryEntry,
  type SagaRecord,
  type SagaStatus,
} from "../../infra/client/index.ts";
import { SAGA_STATUSES, TERMINAL } from "../../protocol/saga.ts";
import { WorkflowInputs } from "../../protocol/workflows.ts";
import { reportError, reportFailure } from "./errors.ts";
import { historyLine, listRow, noWorkflowsLine, poolLines, queueLines, statusLines } from "./format.ts";
import { ruleArg } from "./options.ts";
import { transcriptLines } from "./transcript.ts";
import { analysisReportLines } from "./analysis-report.ts";
import type { AnalysisReport } from "../../protocol/code-migration.ts";
import type { Transcript } from "../../infra/llm/agent.ts";

/** Options every command takes. */
interface Common {
  nats?: string;
  json?: boolean;
}

/** Connects, runs `fn`, closes; on failure reports the error (errors.ts) and exits 1. */
export async function withClient(opts: Common, fn: (client: PatchbayClient) => Promise<number | void>): Promise<void> {
  let code: number;
  try {
    const cfg = loadConfig();
    const url = resolveNatsUrl(cfg, opts.nats);
    const nc = await connectNats({
      url,
      name: "patchbay-cli",
      timeoutMs: 3_000,
      ...(cfg.natsUser ? { user: cfg.natsUser, pass: cfg.natsPassword } : {}),
    });
    const client = new PatchbayClient(nc, WorkflowInputs);
    try {
      code = (await fn(client)) ?? 0;
    } finally {
      client.close();
      await nc.close();
    }
  } catch (err) {
    reportFailure(err, opts.json);
    return;
  }
  process.exitCode = code;
}

async function readInput(source: string | undefined): Promise<unknown> {
  if (!source) return {};
  const text =
    source === "-"
      ? await readStdin()
      : await readFile(source, "utf8").catch((err: Error) => {
          throw new TerminalError(ErrorCode.InvalidInput, `cannot read input file ${source}: ${err.message}`);
        });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TerminalError(ErrorCode.InvalidInput, `input is not JSON: ${(err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const out = (value: unknown) => console.log(JSON.stringify(value));

/** The JSON value of flag `name`, or INVALID_INPUT naming it. */
function jsonArg(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TerminalError(ErrorCode.InvalidInput, `${name} is not JSON: ${(err as Error).message}`);
  }
}

/** `start <type>`: validate, publish once, optionally wait for the result. */
async function startCommand(
  client: PatchbayClient,
  type: string,
  opts: Common & { input?: string; id?: string; wait?: boolean; timeout: number },
): Promise<number> {
  const input = await readInput(opts.input);
  const existing = opts.id ? await client.status(opts.id) : undefined;
  const id = existing ? existing.id : await client.start(type, input, opts.id ? { id: opts.id } : {});
  if (existing && !opts.json) console.error(`${id} exists (${existing.status}); not started again`);
  if (!opts.wait) {
    if (opts.json) out({ id });
    else console.log(id);
    return 0;
  }
  try {
    const rec = await waitSeconds(client, id, opts.timeout);
    const error = outcomeError(rec);
    if (opts.json) out(error ? { id, error } : (rec.result ?? null));
    else for (const l of statusLines(rec)) console.log(l);
    return error ? 1 : 0;
  } catch (err) {
    reportError(ensureError(err).toInfo(), opts.json, id);
    return 1;
  }
}

/** Waits for `id` to end; WAIT_TIMEOUT speaks of the seconds of `--timeout`, not of milliseconds. */
async function waitSeconds(client: PatchbayClient, id: string, seconds: number): Promise<SagaRecord> {
  try {
    return await client.wait(id, seconds * 1_000);
  } catch (err) {
    if (ensureError(err).code !== ErrorCode.WaitTimeout) throw err;
    throw timedOut(id, (await client.status(id))?.status, seconds);
  }
}

function timedOut(id: string, status: string | undefined, seconds: number): TerminalError {
  return new TerminalError(
    ErrorCode.WaitTimeout,
    `workflow ${id} still ${status ?? "not started"} after ${seconds} s (--timeout ${seconds})`,
  );
}

/**
 * `watch`: prints history entries as they come (one JSON object a line with `--json`) until the
 * workflow ends; exits 0 when it completed, else reports its error (or WAIT_TIMEOUT) and exits 1.
 */
async function watchCommand(client: PatchbayClient, id: string, opts: Common & { timeout: number }): Promise<number> {
  const deadline = Date.now() + opts.timeout * 1_000;
  let printed = 0;
  for (;;) {
    const rec = await client.status(id);
    if (!rec) throw new TerminalError(ErrorCode.NotFound, `no workflow '${id}'`);
    const history = await client.history(id);
    for (const e of history.slice(printed)) console.log(opts.json ? JSON.stringify(e) : historyLine(e));
    printed = history.length;
    // The record is written before its logs are published: end only once the last log is in.
    const ended = TERMINAL.has(rec.status);
    if (ended && runLogs(history, rec.run) >= (rec.log_count ?? 0)) {
      const error = outcomeError(rec);
      if (error) reportError(error, opts.json, id);
      return error ? 1 : 0;
    }
    if (Date.now() > deadline) {
      reportError(timedOut(id, rec.status, opts.timeout).toInfo(), opts.json, id);
      return 1;
    }
    if (ended) await new Promise((r) => setTimeout(r, 50));
    else await client.wait(id, 500).catch(() => undefined);
  }
}

async function showCommand(
  c: PatchbayClient,
  id: string,
  o: Common & { task?: string; report?: boolean },
): Promise<void> {
  const rec = await c.status(id);
  if (!rec) throw new TerminalError(ErrorCode.NotFound, `no workflow '${id}'`);
  if (o.report === true) {
    const text = await c.analysisReport(id, rec.run);
    if (text === undefined)
      throw new TerminalError(ErrorCode.NotFound, `no analysis report in run ${rec.run} of ${id}`);
    if (o.json) return out(JSON.parse(text));
    for (const line of analysisReportLines(JSON.parse(text) as AnalysisReport)) console.log(line);
    return;
  }
  if (o.task !== undefined) {
    const text = await c.transcript(id, rec.run, o.task);
    if (text === undefined)
      throw new TerminalError(ErrorCode.NotFound, `no transcript of task '${o.task}' in run ${rec.run} of ${id}`);
    if (o.json) return out(JSON.parse(text));
    for (const line of transcriptLines(JSON.parse(text) as Transcript)) console.log(line);
    return;
  }
  const history = await c.history(id);
  if (o.json) out(history);
  else for (const e of history) console.log(historyLine(e));
}

function runLogs(history: HistoryEntry[], run: number): number {
  return history.filter((e) => e.message?.type === "log/v1" && e.message.data.run === run).length;
}

/** Registers the workflow commands on `program`. */
export function registerWorkflowCommands(program: Command): void {
  const nats = ["--nats <url>", "NATS URL (else NATS_URL, the running `up`, or nats://127.0.0.1:4222)"] as const;
  program
    .command("start <type>")
    .description("start a workflow")
    .option(...nats)
    .option("--input <file|->", "JSON file with the workflow input ('-' reads stdin)")
    .option("--id <id>", "workflow id (a repeated id waits on the existing workflow)")
    .option("--wait", "wait for the result")
    .option("--timeout <s>", "seconds to wait", ruleArg(Rules.timeoutSeconds, "seconds"), 600)
    .option("--json", "machine-readable output")
    .action((type: string, o) => withClient(o, (c) => startCommand(c, type, o)));
  program
    .command("status <id>")
    .description("state of a workflow")
    .option(...nats)
    .option("--json")
    .action((id: string, o: Common) =>
      withClient(o, async (c) => {
        const rec = await c.status(id);
        if (!rec) throw new TerminalError(ErrorCode.NotFound, `no workflow '${id}'`);
        if (o.json) return out(viewOf(rec));
        const roles = [...new Set(Object.values(rec.pending).map((task) => task.role))];
        for (const l of statusLines(rec, Date.now(), roles.length ? await c.queues(roles) : {})) console.log(l);
      }),
    );
  program
    .command("show <id>")
    .description(
      "history: one line per event (number, time, step); --task: a model task's transcript; --report: the analysis",
    )
    .option(...nats)
    .option("--task <task_id>", "print the transcript of this task (its usage and every tool call)")
    .option("--report", "print the analysis report (code-migration): every deprecated use with its file and line")
    .option("--json")
    .action((id: string, o: Common & { task?: string; report?: boolean }) =>
      withClient(o, (c) => showCommand(c, id, o)),
    );
  registerListCommands(program, nats);
  registerSteeringCommands(program, nats);
}

function registerListCommands(program: Command, nats: readonly [string, string]): void {
  program
    .command("list")
    .description("list workflows: the running ones, then ended ones newest first, by page")
    .option(...nats)
    .option("--json")
    .option("--type <type>")
    .addOption(new Option("--status <status>").choices(SAGA_STATUSES))
    .option("--limit <n>", "workflows per page", ruleArg(Rules.limit), 50)
    .option("--before <cursor>", "the next page (the cursor a previous page printed)", ruleArg(Rules.event))
    .option("--queues", "first, the backlog of each role's pool")
    .action((o: Common & ListOptions) => withClient(o, (c) => listCommand(c, o)));
  program
    .command("queues")
    .description(
      "the backlog of each role's pool: tasks queued and running (--processes: redelivered, and who serves it)",
    )
    .option(...nats)
    .option("--json")
    .option("--processes", "also tasks redelivered, and each live process with the tasks it runs")
    .action((o: Common & { processes?: boolean }) => withClient(o, (c) => queuesCommand(c, o)));
}

/** `queues`: each role's backlog; with `--processes`, its pool (redelivered tasks, live processes). */
async function queuesCommand(c: PatchbayClient, o: Common & { processes?: boolean }): Promise<void> {
  if (o.processes) {
    const pools = await c.pools();
    if (o.json) out(pools);
    else for (const l of poolLines(pools)) console.log(l);
    return;
  }
  const queues = await c.queues();
  if (o.json) out(queues);
  else for (const l of queueLines(queues)) console.log(l);
}

/** Options of `list`. */
interface ListOptions {
  type?: string;
  status?: SagaStatus;
  limit: number;
  before?: number;
  queues?: boolean;
}

async function listCommand(c: PatchbayClient, o: Common & ListOptions): Promise<void> {
  const { type, status, limit, before } = o;
  if (o.queues && !o.json) for (const l of queueLines(await c.queues())) console.log(l);
  const page = await c.listPage({
    limit,
    ...(type ? { type } : {}),
    ...(status ? { status } : {}),
    ...(before ? { before } : {}),
  });
  if (o.json) out(page.workflows.map(viewOf));
  else if (page.workflows.length === 0) console.log(noWorkflowsLine(o));
  else for (const r of page.workflows) console.log(listRow(r));
  if (page.next !== undefined) console.error(`more: patchbay list --before ${page.next}`);
}

function registerSteeringCommands(program: Command, nats: readonly [string, string]): void {
  program
    .command("signal <id> <name>")
    .description("send a signal (approve, reject, …)")
    .option(...nats)
    .option("--payload <json>", "JSON payload")
    .option("--json")
    .action((id: string, name: string, o: Common & { payload?: string }) =>
      withClient(o, async (c) => {
        await c.signal(id, name, o.payload ? jsonArg("--payload", o.payload) : undefined);
        if (o.json) out({ id, signal: name });
      }),
    );
  program
    .command("cancel <id>")
    .description("cancel a workflow (running tasks are told, compensations run)")
    .option(...nats)
    .option("--json")
    .action((id: string, o: Common) =>
      withClient(o, async (c) => {
        await c.signal(id, "cancel");
        if (o.json) out({ id, signal: "cancel" });
      }),
    );
  program
    .command("reset <id>")
    .description("replay the first N history events as a new run")
    .requiredOption("--event <n>", "history entry number (see show)", ruleArg(Rules.event))
    .option(...nats)
    .option("--json")
    .action((id: string, o: Common & { event: number }) =>
      withClient(o, async (c) => {
        await c.reset(id, o.event);
        if (o.json) out({ id, reset_to: o.event });
      }),
    );
  program
    .command("watch <id>")
    .description("follow a workflow's history live")
    .option(...nats)
    .option("--json")
    .option("--timeout <s>", "seconds to follow before giving up", ruleArg(Rules.timeoutSeconds, "seconds"), 3600)
    .action((id: string, o: Common & { timeout: number }) => withClient(o, (c) => watchCommand(c, id, o)));
}
