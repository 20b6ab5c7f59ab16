// The console's screenshots for the docs: starts its own `patchbay up` in a temp home, turns
// samples/notifications into a repository with a pull request and runs the quality gate on it
// (as the demo does), runs a few bench-fanout workflows and a gate that fails, then takes PNG
// screenshots at 1366×900 in headless chromium (test/helpers/browser.ts) and stops everything.
// A page that answers anything but 200, or logs an error or a failed request, fails the run.
// Usage: npm run screenshots --  [--out docs/img] [--only list,workflow,pools]
//   [--page NAME=PATH ...]   (e.g. --page list=/ to try the script on another page)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Browser } from "playwright-core";
import { PatchbayClient } from "../infra/client/index.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { openSamplePullRequest } from "../services/cli/demo.ts";
import { launchBrowser, watchPage, withPage } from "../test/helpers/browser.ts";
import { ROOT } from "../test/helpers/processes.ts";
import { startUpStack } from "../test/helpers/up-stack.ts";

/** The quality gate's id: its page is `/workflows/<GATE_ID>`. */
const GATE_ID = "quality-gate-sample";

/** Each screenshot: its name (`console-<name>.png`) and the page it shows. */
const SHOTS: Record<string, string> = {
  list: "/workflows",
  workflow: `/workflows/${GATE_ID}`,
  pools: "/pools",
};

const VIEWPORT = { width: 1366, height: 900 };
const GATE_TIMEOUT_MS = 15 * 60_000;

interface Options {
  out: string;
  /** Screenshot name → page path. */
  shots: Array<[string, string]>;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "docs/img" },
      only: { type: "string" },
      page: { type: "string", multiple: true, default: [] },
    },
  });
  const pages = { ...SHOTS };
  for (const spec of values.page) {
    const [name, path] = spec.split("=", 2);
    if (!(name in SHOTS) || !path?.startsWith("/"))
      throw new Error(`--page ${spec}: expected NAME=/path with NAME one of ${Object.keys(SHOTS).join(", ")}`);
    pages[name] = path;
  }
  const only = values.only?.split(",") ?? Object.keys(SHOTS);
  const unknown = only.filter((name) => !(name in SHOTS));
  if (unknown.length)
    throw new Error(`--only: unknown ${unknown.join(", ")} (one of ${Object.keys(SHOTS).join(", ")})`);
  return { out: resolve(ROOT, values.out), shots: only.map((name) => [name, pages[name]]) };
}

/** Runs the quality gate on the sample's pull request, bench-fanout workflows and a gate that fails; waits for all. */
async function runWorkflows(client: PatchbayClient, home: string, gateway: string): Promise<void> {
  const { repo, pr_number } = await openSamplePullRequest(client, home, gateway);
  console.log(`quality gate on ${repo}, pull request #${pr_number} (${GATE_ID})`);
  await client.start("quality-gate", { repo, pr_number }, { id: GATE_ID });
  const ids = [GATE_ID];
  for (const fanout of [4, 8, 16, 32, 64]) {
    ids.push(await client.start("bench-fanout", { fanout }, { id: `bench-fanout-${fanout}` }));
  }
  const missing = join(home, "repos", "no-such-repo");
  ids.push(await client.start("quality-gate", { repo: missing, branch: "main" }, { id: "quality-gate-missing-repo" }));
  for (const id of ids) {
    const rec = await client.wait(id, GATE_TIMEOUT_MS);
    console.log(`  ${id}: ${rec.status}`);
  }
}

/** Opens `url` at the viewport's size and writes its screenshot to `file`; fails on a non-200 answer or any page problem. */
async function shoot(browser: Browser, url: string, file: string): Promise<void> {
  await withPage(
    browser,
    async (page) => {
      const problems = watchPage(page);
      const res = await page.goto(url, { waitUntil: "load" });
      const status = res?.status();
      if (status !== 200) throw new Error(`${url} answered ${status ?? "nothing"}: is the page served yet?`);
      const found = problems.list();
      if (found.length) throw new Error(`${url}: ${found.length} problem(s) on the page:\n  ${found.join("\n  ")}`);
      await page.screenshot({ path: file, type: "png" });
    },
    { viewport: VIEWPORT, deviceScaleFactor: 1 },
  );
}

async function main(): Promise<void> {
  const opts = options();
  const home = await mkdtemp(join(tmpdir(), "patchbay-screenshots-"));
  const browser = await launchBrowser();
  const up = await startUpStack(home).catch(async (err: unknown) => {
    await browser.close();
    throw err;
  });
  const nc = await connectNats({ url: up.nats, name: "patchbay-screenshots" });
  const client = new PatchbayClient(nc, WorkflowInputs);
  try {
    console.log(`patchbay up in ${home}: gateway ${up.gateway}`);
    await runWorkflows(client, home, up.gateway);
    for (const [name, path] of opts.shots) {
      const file = join(opts.out, `console-${name}.png`);
      await shoot(browser, `${up.gateway}${path}`, file);
      console.log(`${relative(process.cwd(), file)}  ←  ${path}`);
    }
  } finally {
    client.close();
    await nc.close();
    await browser.close();
    await up.stop();
    await rm(home, { recursive: true, force: true });
  }
}

await main().catch((err: unknown) => {
  console.error(`screenshots: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
