/** Dead-lettering: an undecodable or poison message goes to `dlq.<subject>` with the reason. */
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { errorHeaders, type ErrorInfo } from "../../protocol/errors.ts";
import { Header, Subject } from "../../protocol/subjects.ts";
import { toHeaders } from "./connect.ts";

/** Copies `msg` to the DLQ stream with the reason in headers, then terms it. */
export async function deadLetter(js: JetStreamClient, msg: JsMsg, reason: ErrorInfo): Promise<void> {
  const headers = toHeaders({
    ...errorHeaders(reason),
    [Header.DlqReason]: reason.message.replace(/[\r\n]+/g, " ").slice(0, 1024),
    [Header.DlqSubject]: msg.subject,
    [Header.DlqStreamSeq]: String(msg.seq),
    [Header.MsgId]: `dlq/${msg.info.stream}/${msg.seq}`,
  });
  await js.publish(Subject.dlq(msg.subject), msg.data, { headers });
  // No reason in the term: nats-server 2.9 ignores "+TERM <reason>" and redelivers the message.
  msg.term();
}
