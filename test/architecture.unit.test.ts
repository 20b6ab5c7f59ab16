// Proves the architecture rules of docs/architecture.md with dependency-cruiser run as a real
// process: the code has no import cycle, its layers point one way (protocol ← infra ← actors ←
// services) and the coordinator and actors are used only through their faces; and the same
// rules do catch a cycle, a layer pointing the wrong way and an import of internals, on probe
// files written for the purpose; every file name is kebab-case.
import test from "ava";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./helpers/processes.ts";

const run = promisify(execFile);
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: Array<{ name: string }>;
}

/** Runs depcruise in `cwd` on `dirs` with the repository's rules; returns the violations. */
async function violations(cwd: string, dirs: string[]): Promise<Violation[]> {
  const args = [...dirs, "--config", join(ROOT, ".dependency-cruiser.mjs"), "--output-type", "json"];
  const { stdout } = await run(DEPCRUISE, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }),
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test("no import cycle, layers point one way, the coordinator and actors are used through their faces", async (t) => {
  const found = await violations(ROOT, ["protocol", "infra", "actors", "services", "bench", "test"]);
  t.deepEqual(
    found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
    [],
  );
});

test("the rules catch a cycle, a layer pointing the wrong way and an import of internals", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-arch-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    "protocol/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
    "protocol/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    "infra/up.ts": 'import { main } from "../services/main.ts";\nexport const up = main;\n',
    "services/main.ts": 'import { fold } from "./coordinator/fold.ts";\nexport const main = fold;\n',
    "services/coordinator/fold.ts": "export const fold = 1;\n",
    "services/coordinator/index.ts": 'export { fold } from "./fold.ts";\n',
    "services/cli/cli.ts":
      'import { fold } from "../coordinator/fold.ts";\nimport { run } from "../../actors/checker/run.ts";\nexport const cli = [fold, run];\n',
    "actors/checker/run.ts": "export const run = 1;\n",
    "actors/checker/index.ts": 'export { run } from "./run.ts";\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await copyFile(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
  const found = await violations(dir, ["protocol", "infra", "actors", "services"]);
  const names = new Set(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`));
  t.true(names.has("no-cycles: protocol/a.ts → protocol/b.ts"), [...names].join("\n"));
  t.true(names.has("infra-below-actors: infra/up.ts → services/main.ts"), [...names].join("\n"));
  t.true(
    names.has("coordinator-through-its-index: services/cli/cli.ts → services/coordinator/fold.ts"),
    [...names].join("\n"),
  );
  t.true(names.has("actor-through-its-index: services/cli/cli.ts → actors/checker/run.ts"), [...names].join("\n"));
});

test("file names use one case: kebab-case", async (t) => {
  const { stdout } = await run(
    "git",
    ["ls-files", "protocol", "infra", "actors", "services", "bench", "test", "scripts", "docs"],
    { cwd: ROOT },
  );
  const names = stdout.split("\n").filter((f) => f && !f.startsWith("test/fixtures/repos/"));
  t.true(names.length > 100);
  t.deepEqual(
    names.filter((f) => !/^[a-z0-9.-]+$/.test(f.split("/").pop() ?? "")),
    [],
  );
});
