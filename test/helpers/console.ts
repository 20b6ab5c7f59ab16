/**
 * The console in process for integration tests: a real nats-server, the coordinator with the
 * fixture workflows, a checker serving bench-fanout's no-op tasks, and the gateway on a free
 * port with a token; everything stopped when the test ends.
 */
import type { ExecutionContext } from "ava";
import type { Server } from "node:http";
import { noopBinding } from "../../actors/bench/index.ts";
import type { PatchbayClient } from "../../infra/client/index.ts";
import { createGateway, type GatewayOptions } from "../../services/gateway/server.ts";
import { fixtureRegistry } from "../fixtures/workflows/index.ts";
import { startTestNats, type TestNats } from "./nats.ts";
import { client, startActor, startCoordinator } from "./runtime.ts";

/** The gateway's token in these tests. */
export const TEST_TOKEN = "console-test-token-0123456789";

/** A running console stack. */
export interface ConsoleStack {
  nats: TestNats;
  client: PatchbayClient;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  server: Server;
}

/** Starts the stack; `options` are the gateway's (a token by default). */
export async function startConsoleStack(
  t: ExecutionContext,
  options: GatewayOptions = { token: TEST_TOKEN },
): Promise<ConsoleStack> {
  const nats = await startTestNats(t);
  await startCoordinator(t, nats.nc, fixtureRegistry());
  await startActor(t, nats.nc, "checker", [noopBinding], 8);
  const c = client(t, nats.nc);
  const server = createGateway(c, options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return { nats, client: c, base: `http://127.0.0.1:${port}`, server };
}

/** A form post (as a browser sends it), without following redirects. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
