// The orders API: each request takes a pooled connection for its queries.
import { loadConfig } from "./config.js";
import { Pool } from "./pool.js";

export function createPool(root) {
  const { db } = loadConfig(root);
  return new Pool({ max: db["database.pool.max_connections"], acquireTimeoutMs: db["database.pool.acquire_timeout_ms"] });
}
