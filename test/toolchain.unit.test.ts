// Scenario: how a repository's toolchain is read from its files — the Node version it declares
// (.nvmrc forms, volta, engines ranges, LTS aliases), which installed Node that picks, its
// package manager (packageManager field, lockfiles, Yarn classic vs Berry, pnpm's lockfile
// version) — and which of the user's variables the sandbox passes on.
import test from "ava";
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import {
  declaredNode,
  detectManager,
  parseVersionText,
  pickNode,
  pnpmMajorOf,
  userPath,
} from "../actors/checker/index.ts";
import type { NodeBinary } from "../actors/checker/index.ts";
import { isPassedThrough, passedThrough, userConfigFiles } from "../infra/sandbox/env.ts";

async function dirWith(t: { teardown(fn: () => Promise<void>): void }, files: Record<string, string>): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "patchbay-toolchain-")));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

test("version files: majors, full versions, ranges and aliases", (t) => {
  t.like(parseVersionText(".nvmrc", "20\n"), { range: ">=20.0.0 <21.0.0-0", exact: undefined });
  t.like(parseVersionText(".nvmrc", "v20.11.0"), { range: "20.x", exact: "20.11.0" });
  t.like(parseVersionText(".nvmrc", "lts/iron"), { range: "20.x" });
  t.like(parseVersionText(".nvmrc", "lts/*"), { range: "*", ltsOnly: true });
  t.like(parseVersionText(".nvmrc", "node"), { range: "*" });
  t.is(parseVersionText(".nvmrc", "system")?.range, undefined);
  t.like(parseVersionText("engines", ">=18 <21"), { range: ">=18.0.0 <21.0.0-0" });
  t.is(parseVersionText(".nvmrc", "lts/unknown-codename"), undefined);
  t.is(parseVersionText(".nvmrc", "not a version"), undefined);
});

test("the declaration: .nvmrc before .node-version before volta before engines", async (t) => {
  const pkg = { volta: { node: "18.20.0" }, engines: { node: ">=16" } };
  const both = await dirWith(t, { ".nvmrc": "# comment\n22\n", ".node-version": "21" });
  t.like(await declaredNode(both, pkg), { source: ".nvmrc", range: ">=22.0.0 <23.0.0-0" });
  const none = await dirWith(t, {});
  t.like(await declaredNode(none, pkg), { source: "volta", exact: "18.20.0" });
  t.like(await declaredNode(none, { engines: { node: ">=16" } }), { source: "engines", range: ">=16.0.0" });
  t.is(await declaredNode(none, {}), undefined);
});

const installed: NodeBinary[] = [
  { path: "/home/u/bin/node", version: "22.1.0" },
  { path: "/usr/bin/node", version: "20.20.2" },
  { path: "/opt/node18/bin/node", version: "18.19.0" },
  { path: "/opt/node21/bin/node", version: "21.7.0" },
];

test("picking an installed Node: exact, else the PATH one when it fits, else the newest that fits", (t) => {
  const pick = (text: string, source: ".nvmrc" | "engines" = ".nvmrc") => {
    const choice = pickNode(installed, parseVersionText(source, text));
    return choice.ok ? choice.runtime.path : choice.reason;
  };
  t.is(pick("20"), "/usr/bin/node");
  t.is(pick("18.19.0"), "/opt/node18/bin/node");
  t.is(pick(">=18", "engines"), "/home/u/bin/node", "the user's PATH Node fits");
  t.is(pick("<22", "engines"), "/opt/node21/bin/node", "the newest that fits");
  t.is(pick("lts/*"), "/home/u/bin/node");
  t.regex(pick("16"), /no installed Node satisfies \.nvmrc 16 \(installed: 22\.1\.0, 20\.20\.2, 18\.19\.0, 21\.7\.0\)/);
  const plain = pickNode(installed, undefined);
  t.like(plain.ok ? plain.runtime : {}, { path: "/home/u/bin/node", reason: "PATH, none declared" });
});

test("the user's PATH loses the folders whose node is patchbay's own runtime", async (t) => {
  const own = dirname(process.execPath);
  const path = await userPath({ PATH: [own, "/usr/bin", "/bin"].join(delimiter) });
  t.is(path, ["/usr/bin", "/bin"].join(delimiter));
});

test("package managers: the packageManager field wins, else the lockfile", async (t) => {
  const pnpm = await dirWith(t, { "pnpm-lock.yaml": "lockfileVersion: '6.0'\n", "package-lock.json": "{}" });
  t.like(await detectManager(pnpm, {}), { name: "pnpm", range: "8", lockfile: "pnpm-lock.yaml" });
  t.like(await detectManager(pnpm, { packageManager: "pnpm@9.15.0+sha512.abc" }), {
    name: "pnpm",
    range: "9.15.0",
    source: "packageManager pnpm@9.15.0",
  });
  const berry = await dirWith(t, { "yarn.lock": "__metadata:\n  version: 8\n" });
  t.like(await detectManager(berry, {}), { name: "yarn", berry: true, range: "4" });
  const classic = await dirWith(t, { "yarn.lock": "# yarn lockfile v1\n" });
  t.like(await detectManager(classic, {}), { name: "yarn", berry: false, range: "1" });
  const bun = await dirWith(t, { "bun.lockb": "" });
  t.like(await detectManager(bun, {}), { name: "bun", lockfile: "bun.lockb" });
  const npm = await dirWith(t, {});
  t.like(await detectManager(npm, {}), { name: "npm", lockfile: undefined, source: "no lockfile" });
  t.is(pnpmMajorOf("lockfileVersion: '9.0'"), "9");
  t.is(pnpmMajorOf("lockfileVersion: 5.4"), "7");
});

test("the sandbox passes CA, proxy and registry settings, not npm's run-time snapshot nor secrets", (t) => {
  for (const name of ["NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "no_proxy", "npm_config_registry", "NPM_CONFIG_CAFILE"])
    t.true(isPassedThrough(name), name);
  for (const name of ["npm_config_local_prefix", "npm_config_cache", "NO_COLOR", "FORCE_COLOR", "NODE_ENV"])
    t.false(isPassedThrough(name), name);
  t.deepEqual(passedThrough({ PIP_INDEX_URL: "https://mirror/simple", PIP_PASSWORD: "x", YARN_NPM_AUTH_TOKEN: "y" }), {
    PIP_INDEX_URL: "https://mirror/simple",
  });
});

test("the user's npm, pip and git config files are named since HOME moves into the worktree", async (t) => {
  const home = await dirWith(t, { ".npmrc": "registry=http://mirror/\n", ".gitconfig": "[user]\n" });
  t.deepEqual(await userConfigFiles({ HOME: home }), {
    NPM_CONFIG_USERCONFIG: join(home, ".npmrc"),
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
  });
  t.deepEqual(await userConfigFiles({ HOME: home, GIT_CONFIG_GLOBAL: "/etc/other" }), {
    NPM_CONFIG_USERCONFIG: join(home, ".npmrc"),
  });
});
