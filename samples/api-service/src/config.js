// Reads config/database.yaml (the flat subset this service uses) and .env.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function readYamlNumbers(text) {
  const values = {};
  const path = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    const match = /^(\s*)([\w-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 2;
    path.length = depth;
    path.push(match[2]);
    if (match[3] !== "") values[path.join(".")] = Number.isNaN(Number(match[3])) ? match[3] : Number(match[3]);
  }
  return values;
}

export function readEnv(text) {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

export function loadConfig(root = process.cwd()) {
  const db = readYamlNumbers(readFileSync(join(root, "config/database.yaml"), "utf8"));
  const env = readEnv(readFileSync(join(root, ".env"), "utf8"));
  return { db, env };
}
