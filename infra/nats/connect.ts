/** Connecting to NATS: reconnect forever once connected, a clear error when unreachable. */
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import type { JsMsg } from "@nats-io/jetstream";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { installRequestFix } from "./request-fix.ts";
import { inboxPrefixOf } from "./permissions.ts";

/** Options of {@link connectNats}. */
export interface ConnectOptions {
  /** `nats://host:port`, or several separated by commas. */
  url: string;
  /** Connection name shown by the server (`patchbay-coordinator`, …). */
  name: string;
  user?: string;
  pass?: string;
  /** How long the first connect may take. */
  timeoutMs?: number;
}

/**
 * Connects with `noAsyncTraces` (docs/architecture.md, "Cost") and unlimited reconnects. Throws a TerminalError
 * `NATS_UNREACHABLE` naming the URL when the first connect fails.
 */
export async function connectNats(opts: ConnectOptions): Promise<NatsConnection> {
  installRequestFix();
  try {
    return await connect({
      servers: opts.url.split(","),
      name: opts.name,
      ...(opts.user ? { user: opts.user, pass: opts.pass, inboxPrefix: inboxPrefixOf(opts.user) } : {}),
      timeout: opts.timeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      noAsyncTraces: true,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/authorization|authentication/i.test(message)) {
      throw new TerminalError(
        ErrorCode.NatsAuthFailed,
        `NATS at ${opts.url} refused ${opts.user ? `user '${opts.user}'` : "an anonymous connection"}: ${message}`,
        { cause: err },
      );
    }
    throw new TerminalError(ErrorCode.NatsUnreachable, `cannot reach NATS at ${opts.url}: ${message}`, { cause: err });
  }
}

/** Converts a plain record into NATS headers (undefined when empty). */
export function toHeaders(values: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!values) return undefined;
  const keys = Object.keys(values);
  if (keys.length === 0) return undefined;
  const h = natsHeaders();
  for (const k of keys) h.set(k, values[k]);
  return h;
}

/** When a JetStream message was stored (epoch ms, the server's clock). */
export function storedAtMs(msg: JsMsg): number {
  return Math.floor(Number(msg.info.timestampNanos) / 1e6);
}

/** Reads one header, or undefined. */
export function headerValue(h: MsgHdrs | undefined, name: string): string | undefined {
  const v = h?.get(name);
  return v ? v : undefined;
}
