// Post-deploy verification: the pool must fit the database's per-role limit of 500 connections
// across the service's replicas (REPLICAS in .env, 1 by default).
import { loadConfig } from "../src/config.js";

const { db, env } = loadConfig();
const replicas = Number(env.REPLICAS ?? 1);
const total = db["database.pool.max_connections"] * replicas;
if (total > 500) {
  console.error(`verify: ${replicas} replicas × ${db["database.pool.max_connections"]} connections = ${total} > 500`);
  process.exit(1);
}
console.log(`verify: ${total} connections of 500 at most`);
