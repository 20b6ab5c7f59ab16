/**
 * The sample service repository of incident-swarm (`samples/api-service`), written as a git
 * repository whose history a diagnoser can correlate with an alert of 2024-01-15 14:32 UTC:
 * the service as it ran with a pool of 150 (Jan 8), a bulk export endpoint (Jan 12), and the
 * pool lowered to 100 five hours before the alert (Jan 15 09:10). The last commit's files are
 * exactly `samples/api-service`. `replicas` adds `REPLICAS=<n>` to `.env`, which the
 * repository's verification command multiplies the pool by (3 replicas fail it at a pool of 200).
 */
import { mkdir } from "node:fs/promises";
import type { Alert } from "../../protocol/incident.ts";
import { join } from "node:path";
import { SAMPLES_DIR, readTree } from "./samples.ts";
import { git, writeFiles, type FileMap } from "./two-branch-repo.ts";

/** Options of {@link createServiceRepo}. */
export interface ServiceRepoOptions {
  /** Replicas the service runs as (`REPLICAS` in .env); the verification multiplies the pool by it. */
  replicas?: number;
}

function withPool(files: FileMap, size: number): FileMap {
  return {
    ...files,
    "config/database.yaml": (files["config/database.yaml"] ?? "").replace(
      "max_connections: 100",
      `max_connections: ${size}`,
    ),
    ".env": (files[".env"] ?? "").replace("DB_POOL_MAX=100", `DB_POOL_MAX=${size}`),
  };
}

async function commit(dir: string, files: FileMap, message: string, date: string): Promise<void> {
  await writeFiles(dir, files);
  await git(dir, ["add", "-A"], date);
  await git(dir, ["commit", "--quiet", "--no-verify", "-m", message], date);
}

/** Writes the sample service repository to `dir` (branch `main`, three commits); returns `dir`. */
export async function createServiceRepo(dir: string, options: ServiceRepoOptions = {}): Promise<string> {
  const sample = await readTree(join(SAMPLES_DIR, "api-service"));
  const final: FileMap =
    options.replicas === undefined
      ? sample
      : { ...sample, ".env": `${sample[".env"] ?? ""}REPLICAS=${options.replicas}\n` };
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "--quiet", "-b", "main"]);
  const { "src/export.js": exportJs = "", ...before } = withPool(final, 150);
  await commit(dir, before, "api-service 2.2: orders API over a PostgreSQL pool", "2024-01-08T10:00:00Z");
  await commit(dir, { "src/export.js": exportJs }, "Add the bulk export endpoint", "2024-01-12T16:20:00Z");
  await commit(dir, final, "Lower the database pool to 100 connections (DB cost review)", "2024-01-15T09:10:00Z");
  return dir;
}

/** The seed's incident-swarm alerts: example 1 (the pool of the sample service exhausted) and example 2 (latency elsewhere). */
export const SEED_ALERTS = {
  poolExhausted: {
    id: "alert-db-001",
    severity: "critical",
    service: "api-service",
    message: "Database connection pool exhausted",
    timestamp: "2024-01-15T14:32:00Z",
    metrics: { error_rate: 15.5, response_time_p95: 5000, active_connections: 100, max_connections: 100 },
    logs: [],
  },
  latency: {
    id: "alert-perf-002",
    severity: "high",
    service: "recommendation-engine",
    message: "Elevated latency in recommendations",
    timestamp: "2024-01-15T15:00:00Z",
  },
} as const satisfies Record<string, Alert>;
