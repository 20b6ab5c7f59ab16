/**
 * The environment, parsed once and strictly. Only mains (and the CLI) import this; everything
 * else receives its options as arguments. Every variable is listed in the README.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { ErrorCode, TerminalError } from "../protocol/errors.ts";
import { Severity } from "../protocol/incident.ts";
import type { ProvisionOptions } from "./nats/provision.ts";

/**
 * The numeric rules shared by environment variables, service flags and CLI options, so that
 * `0`, a negative number or `abc` is refused the same way wherever it is given.
 */
export const Rules = {
  /** Tasks one actor process runs at once. */
  concurrency: z.coerce.number().int().min(1).max(1024),
  /** Seconds a command waits (start --wait, watch). */
  timeoutSeconds: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 3600),
  /** How many entries a listing returns. */
  limit: z.coerce.number().int().min(1).max(100_000),
  /** A history entry number (1-based). */
  event: z.coerce.number().int().min(1),
  /** A stream sequence (a DLQ message's). */
  sequence: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
} as const;

/** Parses the value of flag `name` by `rule`; a bad one throws CONFIG_INVALID naming the flag. */
export function parseFlag<T>(name: string, value: unknown, rule: z.ZodType<T>): T {
  const parsed = rule.safeParse(typeof value === "string" && value.trim() === "" ? undefined : value);
  if (parsed.success) return parsed.data;
  throw new TerminalError(
    ErrorCode.ConfigInvalid,
    `${name}: ${JSON.stringify(value)} is invalid (${parsed.error.issues[0]?.message ?? "invalid"})`,
  );
}

const Env = z.object({
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|ws|wss):\/\//, "must be a nats:// URL")
    .optional(),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  PATCHBAY_HOME: z.string().min(1).optional(),
  PATCHBAY_CONCURRENCY: Rules.concurrency.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  PATCHBAY_GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  PATCHBAY_GATEWAY_URL: z.url().optional(),
  PATCHBAY_GATEWAY_HOST: z.string().min(1).optional(),
  PATCHBAY_GATEWAY_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  PATCHBAY_TRACE_URL: z.string().includes("{trace_id}", { message: "must contain {trace_id}" }).optional(),
  PATCHBAY_WORK_DIR: z.string().min(1).optional(),
  PATCHBAY_GIT_AUTHOR_NAME: z.string().min(1).optional(),
  PATCHBAY_GIT_AUTHOR_EMAIL: z.email().optional(),
  PATCHBAY_TASK_ACK_WAIT_MS: z.coerce.number().int().min(500).max(3_600_000).optional(),
  PATCHBAY_TASK_MAX_DELIVERIES: z.coerce.number().int().min(1).max(100).optional(),
  PATCHBAY_PROVISION: z.enum(["create", "verify"]).optional(),
  PATCHBAY_RETENTION_DAYS: z.coerce.number().positive().max(3650).optional(),
  PATCHBAY_SIGNAL_HOLD_MS: z.coerce.number().int().min(100).max(86_400_000).optional(),
  PATCHBAY_INCIDENT_REPO: z.string().min(1).optional(),
  PATCHBAY_INCIDENT_REPOS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be JSON, e.g. {"api-service": "/srv/api-service"}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.string().min(1)))
    .optional(),
  PATCHBAY_INCIDENT_AUTO_MERGE: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(Severity))
    .optional(),
  PATCHBAY_HOOK_TOKEN: z.string().min(1).optional(),
  PATCHBAY_CODEMODS: z.string().min(1).optional(),
});

/** Where the gateway's alert webhook starts incident-swarm, and with what. */
export interface IncidentHookConfig {
  /** PATCHBAY_INCIDENT_REPO: the service repository of every alert. */
  repo?: string;
  /** PATCHBAY_INCIDENT_REPOS: a repository per service (`service` or `job` label), before `repo`. */
  repos: Record<string, string>;
  /** PATCHBAY_INCIDENT_AUTO_MERGE: severities whose hotfix is merged without approval. */
  autoMergeSeverities: Severity[];
  /** PATCHBAY_HOOK_TOKEN: the bearer token the webhook requires, when set. */
  hookToken?: string;
}

/** The gateway's console (docs/console.md). */
export interface ConsoleConfig {
  /** PATCHBAY_GATEWAY_HOST: the address the gateway binds to; 127.0.0.1 unless told otherwise. */
  host: string;
  /** PATCHBAY_GATEWAY_TOKEN: the token actions need; without it the console is read-only. */
  token?: string;
  /** PATCHBAY_TRACE_URL: a trace's page, `{trace_id}` replaced (e.g. Jaeger's `http://localhost:16686/trace/{trace_id}`). */
  traceUrl?: string;
}

/** patchbay's configuration. */
export interface Config {
  /** NATS_URL when set; the CLI falls back further (see {@link resolveNatsUrl}). */
  natsUrl?: string;
  natsUser?: string;
  natsPassword?: string;
  /** State dir of `up` and the demo (nats store, nats.url); PATCHBAY_HOME or `./.patchbay`. */
  home: string;
  /** Tasks each actor process runs at once; PATCHBAY_CONCURRENCY or 4. */
  concurrency: number;
  /** OTLP/HTTP endpoint; traces are exported only when set. */
  otelEndpoint?: string;
  /** Port of the gateway; PATCHBAY_GATEWAY_PORT or 0 (a free port). */
  gatewayPort: number;
  /** Base URL of the gateway in links (pr_url); PATCHBAY_GATEWAY_URL or http://127.0.0.1:<port>. */
  gatewayUrl: string;
  /** The gateway's console: where it listens, who may act, where traces are. */
  console: ConsoleConfig;
  /** Git cache and worktrees: PATCHBAY_WORK_DIR or `<home>/work`. */
  workDir: string;
  /** The identity of every commit patchbay makes (never the machine's git config). */
  gitAuthor: { name: string; email: string };
  /** Stream and consumer settings every process provisions and checks for drift. */
  provision: ProvisionOptions;
  /**
   * PATCHBAY_PROVISION: `create` (default) creates what is missing; `verify` only reads and
   * fails on anything missing or drifted (for NATS users without create permissions).
   */
  provisionMode: "create" | "verify";
  /**
   * PATCHBAY_SIGNAL_HOLD_MS: how long the coordinator holds a signal whose workflow does not
   * exist (yet) before it dead-letters it as NOT_FOUND; when absent, the coordinator's default
   * (5 minutes).
   */
  signalHoldMs?: number;
  /** The gateway's alert webhook. */
  incident: IncidentHookConfig;
  /**
   * PATCHBAY_CODEMODS: modules (paths, `:`-separated) exporting `codemods: Codemod[]`, which
   * custom migration plans may name beside the built-in ones (coder and planner).
   */
  codemodModules: string[];
}

/** Parses the environment; a bad value throws CONFIG_INVALID naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = Env.safeParse(blank);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TerminalError(ErrorCode.ConfigInvalid, `${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    ...(e.NATS_URL ? { natsUrl: e.NATS_URL } : {}),
    ...(e.NATS_USER ? { natsUser: e.NATS_USER } : {}),
    ...(e.NATS_PASSWORD ? { natsPassword: e.NATS_PASSWORD } : {}),
    home: resolve(e.PATCHBAY_HOME ?? ".patchbay"),
    concurrency: e.PATCHBAY_CONCURRENCY ?? 4,
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { otelEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    gatewayPort: e.PATCHBAY_GATEWAY_PORT ?? 0,
    gatewayUrl: (e.PATCHBAY_GATEWAY_URL ?? `http://127.0.0.1:${e.PATCHBAY_GATEWAY_PORT ?? 7070}`).replace(/\/$/, ""),
    console: {
      host: e.PATCHBAY_GATEWAY_HOST ?? "127.0.0.1",
      ...(e.PATCHBAY_GATEWAY_TOKEN ? { token: e.PATCHBAY_GATEWAY_TOKEN } : {}),
      ...(e.PATCHBAY_TRACE_URL ? { traceUrl: e.PATCHBAY_TRACE_URL } : {}),
    },
    gitAuthor: {
      name: e.PATCHBAY_GIT_AUTHOR_NAME ?? "patchbay",
      email: e.PATCHBAY_GIT_AUTHOR_EMAIL ?? "patchbay@localhost.invalid",
    },
    workDir: resolve(e.PATCHBAY_WORK_DIR ?? join(e.PATCHBAY_HOME ?? ".patchbay", "work")),
    provision: {
      ...(e.PATCHBAY_TASK_ACK_WAIT_MS ? { taskAckWaitMs: e.PATCHBAY_TASK_ACK_WAIT_MS } : {}),
      ...(e.PATCHBAY_TASK_MAX_DELIVERIES ? { maxTaskDeliveries: e.PATCHBAY_TASK_MAX_DELIVERIES } : {}),
      ...(e.PATCHBAY_RETENTION_DAYS ? { endedRetentionMs: Math.round(e.PATCHBAY_RETENTION_DAYS * 86_400_000) } : {}),
    },
    provisionMode: e.PATCHBAY_PROVISION ?? "create",
    ...(e.PATCHBAY_SIGNAL_HOLD_MS ? { signalHoldMs: e.PATCHBAY_SIGNAL_HOLD_MS } : {}),
    incident: {
      ...(e.PATCHBAY_INCIDENT_REPO ? { repo: repoPath(e.PATCHBAY_INCIDENT_REPO) } : {}),
      repos: Object.fromEntries(Object.entries(e.PATCHBAY_INCIDENT_REPOS ?? {}).map(([k, v]) => [k, repoPath(v)])),
      autoMergeSeverities: e.PATCHBAY_INCIDENT_AUTO_MERGE ?? [],
      ...(e.PATCHBAY_HOOK_TOKEN ? { hookToken: e.PATCHBAY_HOOK_TOKEN } : {}),
    },
    codemodModules: (e.PATCHBAY_CODEMODS ?? "")
      .split(":")
      .filter(Boolean)
      .map((p) => resolve(p)),
  };
}

/** A repository as configured: a URL as it is, a path made absolute. */
function repoPath(repo: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^/]+:/i.test(repo) ? repo : resolve(repo);
}

/** The file where a running `patchbay up` writes its NATS URL. */
export function natsUrlFile(cfg: Config): string {
  return join(cfg.home, "nats.url");
}

/** `--nats`, else NATS_URL, else the URL a running `up` wrote, else nats://127.0.0.1:4222. */
export function resolveNatsUrl(cfg: Config, flag?: string): string {
  if (flag) return flag;
  if (cfg.natsUrl) return cfg.natsUrl;
  try {
    const written = readFileSync(natsUrlFile(cfg), "utf8").trim();
    if (written) return written;
  } catch {
    // no running `up`
  }
  return "nats://127.0.0.1:4222";
}
