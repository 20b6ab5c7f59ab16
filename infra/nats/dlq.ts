/**
 * Dead-lettering: an undecodable or poison message goes to `dlq.<subject>` with the reason,
 * its original subject, stream sequence and msg-id in headers, and its own headers kept (a
 * replay, infra/client/dlq.ts, sends them again).
 */
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { errorHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import { Header, Subject } from "../../protocol/subjects.ts";
import { headerValue, toHeaders } from "./connect.ts";

/** Copies `msg` to the DLQ stream with the reason in headers, then terms it. */
export async function deadLetter(js: JetStreamClient, msg: JsMsg, reason: ErrorInfo): Promise<void> {
  const msgId = headerValue(msg.headers, Header.MsgId);
  const headers = toHeaders({
    ...ownHeaders(msg),
    ...errorHeaders(reason),
    [Header.DlqReason]: reason.message.replace(/[\r\n]+/g, " ").slice(0, 1024),
    [Header.DlqSubject]: msg.subject,
    [Header.DlqStreamSeq]: String(msg.seq),
    ...(msgId ? { [Header.DlqMsgId]: msgId } : {}),
    [Header.MsgId]: `dlq/${msg.info.stream}/${msg.seq}`,
  });
  await js.publish(Subject.dlq(msg.subject), msg.data, { headers });
  // No reason in the term: nats-server 2.9 ignores "+TERM <reason>" and redelivers the message.
  msg.term();
}

/** The headers `msg` was published with (the first value of each). */
function ownHeaders(msg: JsMsg): Record<string, string> {
  const h = msg.headers;
  if (!h) return {};
  return Object.fromEntries(h.keys().map((k) => [k, h.get(k)]));
}
