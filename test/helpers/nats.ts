/**
 * A real nats-server per test: free port, temp store dir, stopped by PID and its store
 * removed when the test ends.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer, type NatsServer } from "../../infra/nats/launcher.ts";
import { connectNats } from "../../infra/nats/connect.ts";
import { provision, type ProvisionOptions } from "../../infra/nats/provision.ts";
import { bucketKeys } from "../../infra/nats/stream-read.ts";

/** A test's server and a provisioned connection to it. */
export interface TestNats {
  server: NatsServer;
  nc: NatsConnection;
  url: string;
  storeDir: string;
}

/** Starts a server for the test `t`, provisions it, and registers cleanup. */
export async function startTestNats(t: ExecutionContext, opts: ProvisionOptions = {}): Promise<TestNats> {
  const storeDir = await mkdtemp(join(tmpdir(), "patchbay-nats-"));
  const server = await startNatsServer({ storeDir });
  const nc = await connectNats({ url: server.url, name: `test-${t.title}`.slice(0, 60) });
  const state = { server };
  t.teardown(async () => {
    await nc.close().catch(() => undefined);
    await state.server.stop();
    await rm(storeDir, { recursive: true, force: true });
  });
  await provision(nc, opts);
  return {
    get server() {
      return state.server;
    },
    set server(s: NatsServer) {
      state.server = s;
    },
    nc,
    url: server.url,
    storeDir,
  };
}

/**
 * Resolves once a duplicate window of `windowMs` that starts now has passed: a probe stream
 * with that window refuses a repeated msg-id until then (a server-side fact, not a sleep).
 */
export async function duplicateWindowPassed(nc: NatsConnection, windowMs: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "PROBE", subjects: ["probe.>"], duplicate_window: windowMs * 1e6 });
  const js = jetstream(nc);
  await js.publish("probe.window", new Uint8Array([1]), { msgID: "probe" });
  await eventually(
    async () => !(await js.publish("probe.window", new Uint8Array([1]), { msgID: "probe" })).duplicate,
    "the duplicate window to pass",
    windowMs * 10,
  );
}

/** Polls `check` until it returns a value other than undefined/false, or fails at the deadline. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** The keys `bucket` holds now, sorted. */
export async function keysOf(nc: NatsConnection, bucket: string): Promise<string[]> {
  return (await bucketKeys(await jetstreamManager(nc), bucket)).sort();
}
