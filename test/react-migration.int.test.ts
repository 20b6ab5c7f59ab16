// Integration test of the React 16 → 18 codemods on the two sample applications
// (samples/react16-cjs, samples/react16-esm): each is copied to a temp dir, installed from the
// npm registry and tested on React 16, migrated with REACT_CODEMODS (read, apply, write, file
// by file), installed again and tested on React 18. Slow: four real `npm install`s.
import test from "ava";
import type { ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SourceFinding } from "../infra/codemods/codemod.ts";
import { REACT_CODEMODS } from "../infra/codemods/react/index.ts";

const SAMPLES = path.join(import.meta.dirname, "..", "samples");
/** The summary of `node --test` (spec or TAP reporter) when all six tests pass. */
const PASSED_6 = /(?:#|ℹ) pass 6\b[\s\S]*(?:#|ℹ) fail 0\b/;
const DEPRECATED = /ReactDOM\.render|\bcomponentWillMount\b|findDOMNode|react-dom\/test-utils/;

interface Run {
  code: number;
  output: string;
}

function npm(dir: string, args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  return new Promise((resolve) => {
    execFile("npm", args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

async function npmOk(t: ExecutionContext, dir: string, args: string[]): Promise<string> {
  const run = await npm(dir, args);
  t.is(run.code, 0, `npm ${args.join(" ")} failed:\n${run.output}`);
  return run.output;
}

/** Repository-relative paths of the sample's files, node_modules left out. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .filter((file) => !file.split("/").includes("node_modules") && file !== "package-lock.json")
    .sort();
}

/** Applies every matching codemod to every file, in plan order; returns the changes and leftovers. */
async function migrate(dir: string): Promise<{ changes: Map<string, number>; leftovers: SourceFinding[] }> {
  const changes = new Map<string, number>();
  const leftovers: SourceFinding[] = [];
  for (const codemod of REACT_CODEMODS) {
    for (const file of await files(dir)) {
      if (!codemod.matches(file)) continue;
      const absolute = path.join(dir, file);
      const outcome = await codemod.apply(await readFile(absolute, "utf8"), file);
      if (outcome.changes > 0) await writeFile(absolute, outcome.source);
      changes.set(codemod.id, (changes.get(codemod.id) ?? 0) + outcome.changes);
      leftovers.push(...outcome.leftovers);
    }
  }
  return { changes, leftovers };
}

/** Lines still using a deprecated API that no leftover lists. */
async function unlistedUses(dir: string, leftovers: SourceFinding[]): Promise<string[]> {
  const listed = new Set(leftovers.map((l) => `${l.file}:${l.line}`));
  const found: string[] = [];
  for (const file of (await files(dir)).filter((f) => f.endsWith(".js"))) {
    const lines = (await readFile(path.join(dir, file), "utf8")).split("\n");
    lines.forEach((line, index) => {
      if (DEPRECATED.test(line) && !listed.has(`${file}:${index + 1}`))
        found.push(`${file}:${index + 1}: ${line.trim()}`);
    });
  }
  return found;
}

async function installedReact(dir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(dir, "node_modules", "react", "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

for (const sample of ["react16-cjs", "react16-esm"]) {
  test.serial(`${sample}: tests pass on React 16, the codemods migrate it, tests pass on React 18`, async (t) => {
    t.timeout(15 * 60_000);
    const dir = await mkdtemp(path.join(tmpdir(), `patchbay-${sample}-`));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await cp(path.join(SAMPLES, sample), dir, {
      recursive: true,
      filter: (source) => !source.includes("node_modules"),
    });

    await npmOk(t, dir, ["install"]);
    t.regex(await installedReact(dir), /^16\.14\./);
    t.regex(await npmOk(t, dir, ["test"]), PASSED_6);

    const { changes, leftovers } = await migrate(dir);
    t.deepEqual(Object.fromEntries(changes), {
      "react-deps": 2,
      "react-prop-types": 0,
      "react-lifecycles": 3,
      "react-find-dom-node": 4,
      "react-root-api": 5,
      "react-test-utils": sample === "react16-cjs" ? 2 : 7,
      "react-docs": 1,
    });
    t.deepEqual(
      leftovers.map((l) => `${l.file}:${l.api}`),
      ["src/counter.js:componentWillReceiveProps"],
    );
    t.deepEqual(await unlistedUses(dir, leftovers), []);

    await npmOk(t, dir, ["install"]);
    t.regex(await installedReact(dir), /^18\./);
    const after = await npmOk(t, dir, ["test"]);
    t.regex(after, PASSED_6);
    t.notRegex(after, /Warning: /, "React 18 prints no deprecation warning");
  });
}
