/**
 * Reading a workflow's history (its events and the coordinator's log, in stream order) with
 * an ordered consumer. Used by `show`, `watch` and reset; never on the coordinator's hot path.
 */
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { decode } from "../../protocol/codec.ts";
import { errorFromHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import { HistoryMessage } from "../../protocol/event.ts";
import { Header, Stream, Subject } from "../../protocol/subjects.ts";
import { headerValue, storedAtMs } from "./connect.ts";
import { readStream } from "./stream-read.ts";

/** One history entry, numbered from 1 in stream order. */
export interface HistoryEntry {
  /** 1-based position in this workflow's history. */
  number: number;
  /** Stream sequence in HISTORY. */
  seq: number;
  /** Server receive time, epoch ms. */
  time: number;
  subject: string;
  /** The decoded message, or undefined when it did not decode. */
  message?: HistoryMessage;
  /** Why the message did not decode. */
  invalid?: string;
  /** Error carried in headers (`*.failed` events, failed logs). */
  error?: ErrorInfo;
}

/**
 * Reads the whole history of one workflow: its events and its log, merged by stream sequence
 * (nats-server 2.9 has no multi-subject consumers, so each subject gets an ordered consumer).
 * A message stored twice under one `Nats-Msg-Id` (published again after the duplicate
 * window) counts once, at its first place, so numbering and `reset --event N` are stable.
 */
export async function readHistory(js: JetStreamClient, workflowId: string): Promise<HistoryEntry[]> {
  const [events, logs] = await Promise.all([
    readStream(js, Stream.History, { filter: Subject.event(workflowId) }),
    readStream(js, Stream.History, { filter: Subject.log(workflowId) }),
  ]);
  const merged = [...events, ...logs].sort((a, b) => a.seq - b.seq);
  return firstOfEachId(merged).map((m, i) => toEntry(m, i + 1));
}

function firstOfEachId(msgs: JsMsg[]): JsMsg[] {
  const seen = new Set<string>();
  return msgs.filter((m) => {
    const id = headerValue(m.headers, Header.MsgId);
    if (id === undefined) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function toEntry(m: JsMsg, number: number): HistoryEntry {
  const entry: HistoryEntry = {
    number,
    seq: m.seq,
    time: storedAtMs(m),
    subject: m.subject,
  };
  try {
    entry.message = decode(m.data, HistoryMessage);
  } catch (err) {
    entry.invalid = (err as Error).message;
  }
  const error = errorFromHeaders((name) => headerValue(m.headers, name));
  if (error) entry.error = error;
  return entry;
}
