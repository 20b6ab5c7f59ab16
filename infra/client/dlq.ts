/**
 * The dead-letter queue as operators use it: the latest entries, one message with its headers
 * and a readable payload, a replay (the original data and headers sent again to the original
 * subject, then the dead letter deleted) and a discard (deleted). Only starts and signals are
 * replayed (REPLAYABLE_SUBJECTS in protocol/subjects.ts).
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { Header, REPLAYABLE_SUBJECTS, Stream, subjectMatches } from "../../protocol/subjects.ts";
import { headerValue, storedAtMs, toHeaders } from "../nats/connect.ts";
import { isMessageMissing } from "../nats/js-errors.ts";
import { readStream } from "../nats/stream-read.ts";
import { previewPayload, type PayloadPreview } from "./preview.ts";

/** A dead-lettered message. */
export interface DlqEntry {
  seq: number;
  time: number;
  subject: string;
  original_subject: string;
  code: string;
  reason: string;
}

/** One dead letter in full: its entry, headers, where it came from, whether it may be replayed, its payload. */
export interface DlqMessage extends DlqEntry {
  /** Every header of the dead letter, the DLQ's own included. */
  headers: Record<string, string>;
  /** The stream the message was consumed from and its sequence there, when known. */
  original_stream?: string;
  original_seq?: number;
  /** The `Nats-Msg-Id` it was first published with, if any. */
  original_msg_id?: string;
  /** Whether {@link replayDlq} would send it again. */
  replayable: boolean;
  /** Why it may not be replayed, when it may not. */
  not_replayable?: string;
  /** Payload size in bytes. */
  size: number;
  payload: PayloadPreview;
}

/** What a replay published. */
export interface DlqReplay {
  /** The dead letter's DLQ sequence (now deleted). */
  seq: number;
  subject: string;
  /** `replay/<seq>`: new, so JetStream's duplicate window does not swallow it as the original. */
  msg_id: string;
  /** Where the copy was stored, and whether it was one already (an earlier replay of this seq that did not finish). */
  stream: string;
  stream_seq: number;
  duplicate: boolean;
}

/** Headers the DLQ added, which a replay leaves out (with the original msg-id: a replay gets its own). */
const DLQ_HEADERS = new Set(
  [
    Header.MsgId,
    Header.ErrorCode,
    Header.ErrorMessage,
    Header.DlqReason,
    Header.DlqSubject,
    Header.DlqStreamSeq,
    Header.DlqMsgId,
  ].map((h) => h.toLowerCase()),
);

/** A stored message, however it was read. */
interface Stored {
  seq: number;
  time: number;
  subject: string;
  headers?: MsgHdrs;
}

function entryOf(m: Stored): DlqEntry {
  return {
    seq: m.seq,
    time: m.time,
    subject: m.subject,
    original_subject: headerValue(m.headers, Header.DlqSubject) ?? m.subject,
    code: headerValue(m.headers, Header.ErrorCode) ?? "",
    reason: headerValue(m.headers, Header.DlqReason) ?? "",
  };
}

/** The most recent dead letters (up to `limit`), oldest first. */
export async function dlqEntries(js: JetStreamClient, limit: number): Promise<DlqEntry[]> {
  const state = (await (await js.jetstreamManager()).streams.info(Stream.Dlq)).state;
  if (state.messages === 0) return [];
  const fromSeq = Math.max(state.first_seq, state.last_seq - limit + 1);
  const msgs = await readStream(js, Stream.Dlq, { fromSeq, toSeq: state.last_seq });
  return msgs.map((m) => entryOf({ seq: m.seq, time: storedAtMs(m), subject: m.subject, headers: m.headers }));
}

/** The dead letter at DLQ sequence `seq` in full, or undefined when there is none. */
export async function dlqMessage(jsm: JetStreamManager, seq: number): Promise<DlqMessage | undefined> {
  const m = await jsm.streams.getMessage(Stream.Dlq, { seq });
  if (!m) return undefined;
  const headers = headersOf(m.header);
  const from = /^dlq\/([^/]+)\/(\d+)$/.exec(headerValue(m.header, Header.MsgId) ?? "");
  const originalMsgId = headerValue(m.header, Header.DlqMsgId);
  const refusal = notReplayable(headerValue(m.header, Header.DlqSubject));
  return {
    ...entryOf({ seq: m.seq, time: m.time.getTime(), subject: m.subject, headers: m.header }),
    headers,
    ...(from ? { original_stream: from[1], original_seq: Number(from[2]) } : {}),
    ...(originalMsgId ? { original_msg_id: originalMsgId } : {}),
    replayable: refusal === undefined,
    ...(refusal === undefined ? {} : { not_replayable: refusal }),
    size: m.data.length,
    payload: previewPayload(m.data),
  };
}

/** Why a dead letter with this original subject may not be replayed, or undefined when it may. */
function notReplayable(original: string | undefined): string | undefined {
  if (original === undefined) return "it names no original subject (an advisory, or not written by patchbay)";
  if (REPLAYABLE_SUBJECTS.some((p) => subjectMatches(p, original))) return undefined;
  return `${original} is not a public input: only ${REPLAYABLE_SUBJECTS.join(" and ")} are replayed`;
}

/**
 * Sends the dead letter at `seq` again: its data and headers (without the DLQ's) to its original
 * subject under the new msg-id `replay/<seq>`, then deletes it. NOT_FOUND when there is none (a
 * second replay), DLQ_NOT_REPLAYABLE when its subject is not a start or a signal.
 */
export async function replayDlq(js: JetStreamClient, seq: number): Promise<DlqReplay> {
  const jsm = await js.jetstreamManager();
  const m = await jsm.streams.getMessage(Stream.Dlq, { seq });
  if (!m) throw notFound(seq);
  const subject = headerValue(m.header, Header.DlqSubject);
  const refusal = notReplayable(subject);
  if (subject === undefined || refusal !== undefined)
    throw new TerminalError(ErrorCode.DlqNotReplayable, `DLQ message ${seq} is not replayed: ${refusal}`);
  const msgId = `replay/${seq}`;
  const kept = Object.entries(headersOf(m.header)).filter(([k]) => !DLQ_HEADERS.has(k.toLowerCase()));
  const headers = toHeaders(Object.fromEntries(kept));
  const ack = await js.publish(subject, m.data, { msgID: msgId, ...(headers ? { headers } : {}) });
  await discardDlq(jsm, seq);
  return { seq, subject, msg_id: msgId, stream: ack.stream, stream_seq: ack.seq, duplicate: ack.duplicate };
}

/** Deletes the dead letter at `seq`; NOT_FOUND when there is none. */
export async function discardDlq(jsm: JetStreamManager, seq: number): Promise<void> {
  try {
    if (await jsm.streams.deleteMessage(Stream.Dlq, seq)) return;
  } catch (err) {
    if (!isMessageMissing(err)) throw err;
  }
  throw notFound(seq);
}

function notFound(seq: number): TerminalError {
  return new TerminalError(ErrorCode.NotFound, `no DLQ message ${seq} (replayed, discarded, or never there)`);
}

function headersOf(h: MsgHdrs | undefined): Record<string, string> {
  if (!h) return {};
  return Object.fromEntries(h.keys().map((k) => [k, h.get(k)]));
}
