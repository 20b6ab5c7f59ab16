/**
 * `patchbay dlq [show|replay|discard]`: the dead-lettered messages, one in full, sending one
 * again to its original subject (starts and signals only; under a new msg-id, then deleted),
 * and deleting one. Each connects and reports errors as every command does.
 */
import type { Command } from "commander";
import { Rules } from "../../infra/config.ts";
import type { DlqEntry, DlqMessage, PatchbayClient } from "../../infra/client/index.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { withClient } from "./commands.ts";
import { ruleArg } from "./options.ts";

/** Options every `dlq` command takes. */
interface DlqCommon {
  nats?: string;
  json?: boolean;
}

const NATS = ["--nats <url>", "NATS URL (else NATS_URL, the running `up`, or nats://127.0.0.1:4222)"] as const;
const SEQ = ["<seq>", "the DLQ sequence (the first column of `patchbay dlq`)", ruleArg(Rules.sequence)] as const;
const out = (value: unknown) => console.log(JSON.stringify(value));

/**
 * Runs a subcommand with its `--nats` and `--json` wherever they were given: the parent `dlq`
 * takes the same options, and commander hands them to it even after the subcommand's name.
 */
function withDlqOptions(cmd: Command, fn: (c: PatchbayClient, o: DlqCommon) => Promise<void>): Promise<void> {
  const o = cmd.optsWithGlobals<DlqCommon>();
  return withClient(o, (c) => fn(c, o));
}

/** One line of `dlq`: sequence, time, original subject, code, reason. */
export function dlqRow(e: DlqEntry): string {
  return `${e.seq}  ${new Date(e.time).toISOString()}  ${e.original_subject}  ${e.code}  ${e.reason}`;
}

/** The lines of `dlq show`: the entry, where it came from, whether it may be replayed, headers, payload. */
export function dlqMessageLines(m: DlqMessage): string[] {
  const from = m.original_stream ? `${m.original_stream} seq ${m.original_seq}` : "unknown";
  const lines = [
    dlqRow(m),
    `from:       ${from}${m.original_msg_id ? ` (msg-id ${m.original_msg_id})` : ""}`,
    `replayable: ${m.replayable ? "yes" : `no: ${m.not_replayable}`}`,
    "headers:",
    ...Object.entries(m.headers).map(([k, v]) => `  ${k}: ${v}`),
    `payload (${m.size} bytes, ${m.payload.format}):`,
  ];
  const p = m.payload;
  if (p.format === "json") lines.push(...JSON.stringify(p.value, null, 2).split("\n"));
  else lines.push(p.format === "text" ? p.text : p.hex, ...(p.truncated ? ["…"] : []));
  return lines;
}

/** Registers `dlq` and its subcommands on `program`. */
export function registerDlqCommands(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("dead-lettered messages (show, replay or discard one by its sequence)")
    .option(...NATS)
    .option("--json")
    .option("--limit <n>", "how many", ruleArg(Rules.limit), 50)
    .action((o: DlqCommon & { limit: number }) =>
      withClient(o, async (c) => {
        const entries = await c.dlq(o.limit);
        if (o.json) out(entries);
        else if (entries.length === 0) console.log("no dead-lettered messages");
        else for (const e of entries) console.log(dlqRow(e));
      }),
    );
  dlq
    .command("show")
    .description("one dead letter: its headers and payload, and whether it may be replayed")
    .argument(...SEQ)
    .option(...NATS)
    .option("--json")
    .action((seq: number, _o: DlqCommon, cmd: Command) =>
      withDlqOptions(cmd, async (c, o) => {
        const m = await c.dlqMessage(seq);
        if (!m) throw new TerminalError(ErrorCode.NotFound, `no DLQ message ${seq}`);
        if (o.json) out(m);
        else for (const l of dlqMessageLines(m)) console.log(l);
      }),
    );
  registerActions(dlq);
}

function registerActions(dlq: Command): void {
  dlq
    .command("replay")
    .description("send a dead-lettered start or signal again to its original subject, then delete it")
    .argument(...SEQ)
    .option(...NATS)
    .option("--json")
    .action((seq: number, _o: DlqCommon, cmd: Command) =>
      withDlqOptions(cmd, async (c, o) => {
        const r = await c.replayDlq(seq);
        if (o.json) out(r);
        else console.log(`replayed ${seq} to ${r.subject} (${r.stream} seq ${r.stream_seq}, msg-id ${r.msg_id})`);
      }),
    );
  dlq
    .command("discard")
    .description("delete a dead letter")
    .argument(...SEQ)
    .option(...NATS)
    .option("--json")
    .action((seq: number, _o: DlqCommon, cmd: Command) =>
      withDlqOptions(cmd, async (c, o) => {
        await c.discardDlq(seq);
        if (o.json) out({ seq, discarded: true });
        else console.log(`discarded ${seq}`);
      }),
    );
}
