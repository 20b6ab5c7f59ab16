/**
 * Starts a real `nats-server -js` on a free port with its own store dir, for tests and for
 * `patchbay up`. Readiness is polled with a deadline; the server is stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, connect as tcpConnect } from "node:net";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** JetStream store dir (created when missing). */
  storeDir: string;
  /** Port to listen on; a free one when absent. */
  port?: number;
  /** Extra config file (users and permissions). */
  configFile?: string;
  /** How long to wait for the port to accept connections. */
  readyTimeoutMs?: number;
  /** Kill the server when this process exits (default true). */
  dieWithParent?: boolean;
}

/** A running nats-server. */
export interface NatsServer {
  url: string;
  port: number;
  pid: number;
  storeDir: string;
  /** SIGTERM, then SIGKILL after a grace; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL, resolves when the process is gone (for crash tests). */
  kill(): Promise<void>;
  /** Starts a new server on the same port and store (after stop or kill). */
  restart(): Promise<NatsServer>;
}

/** Finds the nats-server binary: PATH, then Debian's /usr/sbin. */
export function findNatsServerBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const candidate = `${dir}/nats-server`;
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts nats-server with JetStream and waits until it accepts connections. */
export async function startNatsServer(opts: NatsServerOptions): Promise<NatsServer> {
  const binary = findNatsServerBinary();
  if (!binary) {
    throw new TerminalError(
      ErrorCode.ServerStartFailed,
      "nats-server not found: install it (apt-get install nats-server) or set NATS_URL",
    );
  }
  await mkdir(opts.storeDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", opts.storeDir];
  if (opts.configFile) args.push("-c", opts.configFile);
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  if (opts.dieWithParent !== false) killOnExit(child);
  await waitForPort(port, child, opts.readyTimeoutMs ?? 10_000, () => log);
  return handle(child, port, opts);
}

function handle(child: ChildProcess, port: number, opts: NatsServerOptions): NatsServer {
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    storeDir: opts.storeDir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await gone;
    },
    restart: () => startNatsServer({ ...opts, port }),
  };
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new TerminalError(
        ErrorCode.ServerStartFailed,
        `nats-server exited with ${child.exitCode}: ${log().trim()}`,
      );
    }
    if (log().includes("Server is ready") && (await canConnect(port))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  throw new TerminalError(
    ErrorCode.ServerStartFailed,
    `nats-server not ready on port ${port} after ${timeoutMs} ms: ${log().trim()}`,
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of children) c.kill("SIGKILL");
  });
}
