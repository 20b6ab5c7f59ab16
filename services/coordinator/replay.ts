/**
 * Reset support: turns the first N entries of a workflow's history into the inputs that
 * rebuild its state. Pure; the history is read by the caller.
 */
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { HistoryEntry } from "../../infra/nats/history.ts";
import type { EventInput, StartInput } from "./step.ts";
import type { SagaRecord } from "../../protocol/saga.ts";

/** An input a reset replays. */
export type ReplayInput = StartInput | EventInput;

/**
 * The inputs of history entries 1..`event` of the run that entry `event` belongs to: the
 * replay list of that run's own reset (if any), its start, and its events in stream order.
 */
export function replayInputs(rec: SagaRecord, history: HistoryEntry[], event: number): ReplayInput[] {
  if (event < 1 || event > history.length) {
    throw new TerminalError(
      ErrorCode.ResetInvalid,
      `event ${event} is outside the history of ${rec.id} (1..${history.length})`,
    );
  }
  const upTo = history.slice(0, event);
  const targetRun = runOf(upTo);
  const inputs: ReplayInput[] = [];
  let run = 1;
  for (const entry of upTo) {
    const msg = entry.message;
    if (!msg) continue;
    if (msg.type === "log/v1") {
      run = msg.data.run;
      if (run === targetRun) inputs.push(...logInputs(rec, msg.data.entries, msg.data.at));
      continue;
    }
    const evRun = msg.data.run === 0 ? run : msg.data.run;
    if (evRun === targetRun) inputs.push({ kind: "event", event: msg, ...(entry.error ? { error: entry.error } : {}) });
  }
  if (inputs[0]?.kind !== "start") {
    throw new TerminalError(
      ErrorCode.ResetInvalid,
      `history of ${rec.id} up to event ${event} has no start to replay from`,
    );
  }
  return inputs;
}

/** The run an entry list ends in: the run of its last log entry (events of run 0 follow it). */
function runOf(entries: HistoryEntry[]): number {
  let run = 1;
  for (const e of entries) {
    const m = e.message;
    if (!m) continue;
    if (m.type === "log/v1") run = m.data.run;
    else if (m.data.run !== 0) run = m.data.run;
  }
  return run;
}

function logInputs(rec: SagaRecord, entries: Array<{ step: string; data?: unknown }>, at: number): ReplayInput[] {
  const out: ReplayInput[] = [];
  for (const e of entries) {
    if (e.step === "started") {
      const input = (e.data as { input?: unknown } | undefined)?.input;
      out.push({ kind: "start", id: rec.id, type: rec.type, input, at, ...(rec.parent ? { parent: rec.parent } : {}) });
    } else if (e.step === "reset") {
      out.push(...((e.data as { replay?: ReplayInput[] } | undefined)?.replay ?? []));
    }
  }
  return out;
}
