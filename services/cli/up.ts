/**
 * `patchbay up`: the whole Procfile in one supervisor on a laptop. Without `--nats` or NATS_URL
 * it starts its own nats-server (store in `<home>/nats`) on a free port and writes the URL to
 * `<home>/nats.url` so other commands find it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, natsUrlFile } from "../../infra/config.ts";
import { freePort, startNatsServer, type NatsServer } from "../../infra/nats/launcher.ts";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { connectNats } from "../../infra/nats/connect.ts";
import { provision } from "../../infra/nats/provision.ts";
import { onShutdown } from "../../infra/process.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { WorkflowRegistry, builtinWorkflows } from "../coordinator/index.ts";
import { assertEveryRoleRuns } from "./role-check.ts";
import { Supervisor, readProcfile } from "./supervisor.ts";

/** The repository root (where the Procfile is). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The gateway's port when free (stable links across restarts); else a free one. */
const DEFAULT_GATEWAY_PORT = 7070;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** Parses `coder=4,checker=8`. */
export function parseScale(text: string | undefined, known: string[]): Map<string, number> {
  const scale = new Map<string, number>();
  for (const part of (text ?? "").split(",").filter(Boolean)) {
    const [name, n] = part.split("=");
    const count = Number(n);
    if (!known.includes(name))
      throw new TerminalError(
        ErrorCode.InvalidInput,
        `--scale: unknown process '${name}' (Procfile has: ${known.join(", ")})`,
      );
    if (!Number.isInteger(count) || count < 0 || count > 64)
      throw new TerminalError(ErrorCode.InvalidInput, `--scale: ${name} needs a count 0..64`);
    scale.set(name, count);
  }
  return scale;
}

/** Starts our own nats-server unless a URL is given; kills one left by a killed `up`. */
export async function embeddedNats(home: string): Promise<NatsServer> {
  const pidFile = join(home, "nats.pid");
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    } catch {
      // already gone
    }
  }
  const server = await startNatsServer({ storeDir: join(home, "nats") });
  writeFileSync(pidFile, String(server.pid));
  return server;
}

/** Runs `up` until SIGINT/SIGTERM. */
export async function up(opts: { nats?: string; scale?: string }): Promise<void> {
  const cfg = loadConfig();
  mkdirSync(cfg.home, { recursive: true });
  const specs = readProcfile(ROOT);
  const scale = parseScale(
    opts.scale,
    specs.map((s) => s.name),
  );
  assertEveryRoleRuns(new WorkflowRegistry(builtinWorkflows).roles(), specs, scale);
  const server = opts.nats || cfg.natsUrl ? undefined : await embeddedNats(cfg.home);
  const url = opts.nats ?? cfg.natsUrl ?? (server as NatsServer).url;
  const nc = await connectNats({ url, name: "patchbay-up" });
  await provision(nc, cfg.provision);
  await nc.close();
  writeFileSync(natsUrlFile(cfg), url);
  const gatewayPort =
    cfg.gatewayPort || ((await portIsFree(DEFAULT_GATEWAY_PORT)) ? DEFAULT_GATEWAY_PORT : await freePort());
  const token = gatewayToken(cfg.home, cfg.console.token);
  const supervisor = new Supervisor({
    ...process.env,
    PATCHBAY_GATEWAY_TOKEN: token,
    NATS_URL: url,
    PATCHBAY_HOME: cfg.home,
    PATCHBAY_GATEWAY_PORT: String(gatewayPort),
    PATCHBAY_GATEWAY_URL: process.env.PATCHBAY_GATEWAY_URL || `http://127.0.0.1:${gatewayPort}`,
  });
  onShutdown(async () => {
    await supervisor.stop();
    await server?.stop();
    rmSync(natsUrlFile(cfg), { force: true });
    rmSync(join(cfg.home, "nats.pid"), { force: true });
  });
  const ready = await Promise.all(specs.map((s) => supervisor.run(s, scale.get(s.name) ?? 1)));
  const gateway =
    ready
      .flat()
      .map((l) => /url=(\S+)/.exec(l)?.[1])
      .find(Boolean) ?? "-";
  const tokenNote = cfg.console.token ? "PATCHBAY_GATEWAY_TOKEN" : gatewayTokenFile(cfg.home);
  console.log(`patchbay ready nats=${url} gateway=${gateway} token=${tokenNote}`);
}

/** Where `up` keeps the gateway's token when PATCHBAY_GATEWAY_TOKEN is not set. */
export function gatewayTokenFile(home: string): string {
  return join(home, "gateway.token");
}

/**
 * The console's token: PATCHBAY_GATEWAY_TOKEN, else the one `up` made before in
 * `<home>/gateway.token`, else a new random one written there (readable by the user only).
 */
function gatewayToken(home: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = gatewayTokenFile(home);
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (kept.length >= 16) return kept;
  }
  const made = randomBytes(24).toString("base64url");
  writeFileSync(file, `${made}\n`, { mode: 0o600 });
  return made;
}
