// Proves that the current workflow definitions still make the decisions recorded in real
// histories (test/fixtures/histories/*.json, written by record.ts on a real deployment), as
// Temporal's replay tests do: each history's start and events are folded again, one at a time,
// with the runtime's own fold, and the decisions logged must equal the recorded log, entry by
// entry, with the same end (status, result and error). A decider change that would break running workflows fails here.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HistoryEntry } from "../infra/client/index.ts";
import { LogMessage, type LogEntry } from "../protocol/event.ts";
import type { SagaRecord } from "../protocol/saga.ts";
import { Subject } from "../protocol/subjects.ts";
import { builtinWorkflows, foldInputs, outboxMessages, type SagaInput } from "../services/coordinator/internal.ts";
import { fixtureRegistry } from "./fixtures/workflows/index.ts";

const DIR = fileURLToPath(new URL("./fixtures/histories/", import.meta.url));

interface Recording {
  type: string;
  id: string;
  history: HistoryEntry[];
  /** How the workflow ended on the deployment. */
  end: Pick<SagaRecord, "status" | "result" | "error">;
}

/** The recorded decisions: every entry of every log message, in order (without their data). */
function recordedDecisions(history: HistoryEntry[]): Array<Omit<LogEntry, "data">> {
  return history.flatMap((e) =>
    e.message?.type === "log/v1" ? e.message.data.entries.map(({ step, text }) => ({ step, text })) : [],
  );
}

/** The inputs the coordinator applied: the start (from the first log message), then every event. */
function inputsOf(rec: Recording): SagaInput[] {
  const first = rec.history.find((e) => e.message?.type === "log/v1");
  if (first?.message?.type !== "log/v1") throw new Error(`${rec.id}: no log message`);
  const started = first.message.data.entries.find((x) => x.step === "started");
  const start: SagaInput = {
    kind: "start",
    id: rec.id,
    type: rec.type,
    input: (started?.data as { input: unknown }).input,
    at: first.message.data.at,
  };
  const events: SagaInput[] = rec.history.flatMap((e) =>
    e.message && e.message.type !== "log/v1"
      ? [{ kind: "event" as const, event: e.message, ...(e.error ? { error: e.error } : {}) }]
      : [],
  );
  return [start, ...events];
}

/** Folds the inputs one at a time as the runtime does; returns the decisions logged and the end. */
function replay(rec: Recording): { decisions: Array<Omit<LogEntry, "data">>; record: SagaRecord | undefined } {
  const registry = fixtureRegistry();
  let record: SagaRecord | undefined;
  const decisions: Array<Omit<LogEntry, "data">> = [];
  for (const input of inputsOf(rec)) {
    const folded = foldInputs(registry, record, [input]);
    if (!folded.record) continue;
    for (const msg of outboxMessages(folded.record)) {
      if (msg.subject !== Subject.log(rec.id)) continue;
      decisions.push(...LogMessage.parse(msg.payload).data.entries.map(({ step, text }) => ({ step, text })));
    }
    record = { ...folded.record, outbox: [] };
  }
  return { decisions, record };
}

const files = (await readdir(DIR)).filter((f) => f.endsWith(".json")).sort();
const recordings = await Promise.all(
  files.map(async (file) => ({ file, rec: JSON.parse(await readFile(join(DIR, file), "utf8")) as Recording })),
);

test("a history is recorded for every built-in workflow type", (t) => {
  const recorded = new Set(recordings.map((r) => r.rec.type));
  t.deepEqual(
    builtinWorkflows.map((w) => w.type).filter((type) => !recorded.has(type)),
    [],
  );
});

for (const { file, rec } of recordings) {
  test(`replays ${file} to the same decisions and the same end`, (t) => {
    const { decisions, record } = replay(rec);
    t.deepEqual(decisions, recordedDecisions(rec.history));
    const end = record && {
      status: record.status,
      result: record.result ?? null,
      ...(record.error ? { error: record.error } : {}),
    };
    t.deepEqual(end, rec.end, "it ends as it did: status, result and error");
  });
}
