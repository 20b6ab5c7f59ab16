#!/usr/bin/env node
// The `patchbay` bin: runs the CLI's main.ts on the Node pinned in devDependencies (24), so
// `npx patchbay …` works where the system Node is older and cannot strip TypeScript types.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const main = join(root, "services", "cli", "main.ts");
const major = Number(process.versions.node.split(".")[0]);

if (major >= 24) {
  await import(main);
} else {
  const pinned = join(root, "node_modules", ".bin", "node");
  if (!existsSync(pinned)) {
    console.error("error: Node 24 not found in node_modules (run `npm ci` first)");
    process.exit(1);
  }
  const child = spawn(pinned, [main, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
