/// <reference lib="dom" />
// The console in headless chromium against a real `patchbay up` stack (every Procfile process):
// a quality gate's page goes from running to completed with no reload, and its timeline draws
// the eight checks as overlapping bars; the list filters by status; a waiting incident is
// approved from its page with the token, and refused (401/403) without it with nothing changed;
// a signal dead-lettered before its workflow existed is replayed from the pools page; /metrics
// counts what ran. Everything is stopped by PID.
import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { PatchbayClient } from "../infra/client/index.ts";
import { connectNats } from "../infra/nats/connect.ts";
import { publishAll } from "../infra/nats/publish.ts";
import { signalMessage } from "../protocol/workflow.ts";
import { WorkflowInputs } from "../protocol/workflows.ts";
import { openSamplePullRequest } from "../services/cli/demo.ts";
import { SEED_ALERTS, createServiceRepo } from "../services/demo/service-repo.ts";
import { launchBrowser, watchPage, withPage } from "./helpers/browser.ts";
import { eventually } from "./helpers/nats.ts";
import { parseMetrics, valueOf } from "./helpers/prometheus.ts";
import { startUpStack, type UpStack } from "./helpers/up-stack.ts";

interface Stack {
  home: string;
  up: UpStack;
  browser: Browser;
  client: PatchbayClient;
}

let stack: Stack | undefined;
const s = (): Stack => {
  if (!stack) throw new Error("the stack did not start");
  return stack;
};

test.before(async () => {
  const home = await mkdtemp(join(tmpdir(), "patchbay-console-"));
  const browser = await launchBrowser();
  // A signal for a workflow that does not exist yet is dead-lettered after a second.
  const up = await startUpStack(home, [], 60_000, { PATCHBAY_SIGNAL_HOLD_MS: "1000" });
  const nc = await connectNats({ url: up.nats, name: "console-browser-test" });
  stack = { home, up, browser, client: new PatchbayClient(nc, WorkflowInputs) };
});

test.after.always(async () => {
  if (!stack) return;
  stack.client.close();
  await stack.client.nc.close();
  await stack.browser.close();
  await stack.up.stop();
  await rm(stack.home, { recursive: true, force: true });
});

/** Logs in through the form with the stack's token. */
async function logIn(page: Page, next: string): Promise<void> {
  await page.goto(`${s().up.gateway}/login?next=${encodeURIComponent(next)}`);
  await page.fill("#token", s().up.token);
  await Promise.all([page.waitForURL(`${s().up.gateway}${next}`), page.click("form[action='/login'] button")]);
}

const statusText = (page: Page) => page.locator("[data-field=status] .status").textContent();

test.serial("a quality gate's page turns completed without a reload; its timeline overlaps the 8 checks", async (t) => {
  const { client, up } = s();
  const pr = await openSamplePullRequest(client, s().home, up.gateway);
  const id = "gate-live";
  await client.start("quality-gate", { repo: pr.repo, pr_number: pr.pr_number }, { id });
  await eventually(async () => (await client.status(id)) !== undefined, "the gate's record");
  await withPage(s().browser, async (page) => {
    const problems = watchPage(page);
    await page.goto(`${up.gateway}/workflows/${id}`);
    t.is(await statusText(page), "running");
    await page.evaluate(() => Object.assign(window, { loadedOnce: true }));
    await page.waitForFunction(
      () => document.querySelector("[data-field=status] .status")?.textContent === "completed",
      undefined,
      { timeout: 10 * 60_000 },
    );
    t.true(await page.evaluate(() => "loadedOnce" in window), "the same document: no reload");
    t.is(await page.evaluate(() => document.documentElement.dataset.live), "live");

    const spans = await page.$$eval(".tl-group[data-role=checker] li.tl-row[data-attempt='1']", (rows) =>
      rows
        .filter((r) => /^check-[a-z_]+$/.test(r.getAttribute("data-task") ?? ""))
        .map((r) => {
          const segs = Array.from(r.querySelectorAll(".tl-seg")).map((e) => e.getBoundingClientRect());
          return {
            task: r.getAttribute("data-task"),
            left: Math.min(...segs.map((b) => b.left)),
            right: Math.max(...segs.map((b) => b.right)),
          };
        }),
    );
    t.is(spans.length, 8, spans.map((x) => x.task).join(", "));
    t.true(
      Math.max(...spans.map((x) => x.left)) < Math.min(...spans.map((x) => x.right)),
      "all eight bars overlap on screen",
    );
    t.deepEqual(problems.list(), []);
  });
});

test.serial("the list filters by status", async (t) => {
  const { client, up } = s();
  await client.start("bench-fanout", { fanout: 2 }, { id: "list-fan" });
  await client.wait("list-fan", 60_000);
  await withPage(s().browser, async (page) => {
    await page.goto(`${up.gateway}/workflows`);
    t.true((await page.locator("tr[data-id]").count()) >= 2);
    await page.selectOption("#f-status", "completed");
    await Promise.all([page.waitForURL(/status=completed/), page.click("form.filters button[type=submit]")]);
    const statuses = await page.$$eval("tr[data-id]", (rows) => rows.map((r) => r.getAttribute("data-status")));
    t.true(statuses.length >= 2);
    t.true(
      statuses.every((x) => x === "completed"),
      statuses.join(", "),
    );
    const shown = await page.locator(".count[data-status=completed]").textContent();
    t.is(Number(shown), statuses.length, "the count of completed workflows matches the rows");
  });
});

/** Starts incident-swarm's example 1 on a fresh sample service and waits until its hotfix waits for approval. */
async function waitingIncident(id: string): Promise<void> {
  const repo = await createServiceRepo(join(s().home, "repos", id));
  await s().client.start("incident-swarm", { alert: SEED_ALERTS.poolExhausted, repo }, { id });
  await eventually(
    async () => (await s().client.status(id))?.timers.approval !== undefined,
    `${id} to wait for approval`,
    180_000,
  );
}

test.serial("approve a waiting incident from its page: refused without the token, done with it", async (t) => {
  const { client, up } = s();
  const id = "inc-page";
  await waitingIncident(id);
  await withPage(s().browser, async (page) => {
    await page.goto(`${up.gateway}/workflows/${id}`);
    t.is(await page.locator("form[action$='/signal'] button").count(), 0, "no actions offered without the token");
    const refused = await page.evaluate(async (url) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "name=approve",
      });
      return res.status;
    }, `${up.gateway}/api/workflows/${id}/signal`);
    t.true(refused === 401 || refused === 403, `refused with ${refused}`);
    t.false(
      (await client.history(id)).some((e) => e.message?.type === "signal.received/v1"),
      "no signal reached it",
    );
    t.is((await client.status(id))?.status, "running");

    await logIn(page, `/workflows/${id}`);
    await Promise.all([
      page.waitForURL(`${up.gateway}/workflows/${id}`),
      page.click("form[action$='/signal']:has(input[value=approve]) button"),
    ]);
    await page.waitForFunction(
      () => document.querySelector("[data-field=status] .status")?.textContent === "completed",
      undefined,
      {
        timeout: 180_000,
      },
    );
    const result = (await client.status(id))?.result as { merged?: boolean };
    t.true(result.merged, "the hotfix was merged after the approval");
  });
});

test.serial("a signal dead-lettered before its workflow existed is replayed from the pools page", async (t) => {
  const { client, up } = s();
  const id = "inc-dlq";
  // With a message id: a replay that kept it would be swallowed by the duplicate window.
  await publishAll(client.nc, client.js, [signalMessage(id, "approve", undefined, `early-approve-${id}`)]);
  const dead = await eventually(
    async () => (await client.dlq()).find((m) => m.original_subject === `workflow.signal.${id}`),
    "the signal in the DLQ",
  );
  t.is(dead.code, "NOT_FOUND");
  await waitingIncident(id);
  await withPage(s().browser, async (page) => {
    await logIn(page, "/pools");
    const row = page.locator(`tr[data-seq="${dead.seq}"]`);
    t.regex((await row.textContent()) ?? "", /NOT_FOUND/);
    await Promise.all([page.waitForURL(`${up.gateway}/pools`), row.locator("form[action$='/replay'] button").click()]);
    t.is(await page.locator(`tr[data-seq="${dead.seq}"]`).count(), 0, "gone from the DLQ");
  });
  const done = await client.wait(id, 180_000);
  t.is(done.status, "completed");
  t.true((done.result as { merged?: boolean }).merged, "the replayed approve merged the hotfix");
});

test.serial("/metrics counts the workflows this stack ran", async (t) => {
  const res = await fetch(`${s().up.gateway}/metrics`);
  t.is(res.status, 200);
  const samples = parseMetrics(await res.text());
  const ended = (type: string) => valueOf(samples, "patchbay_workflows_ended_total", { type, status: "completed" });
  t.is(ended("quality-gate"), 1);
  t.is(ended("incident-swarm"), 2);
  t.is(ended("bench-fanout"), 1);
  t.is(valueOf(samples, "patchbay_workflows_started_total", { type: "incident-swarm" }), 2);
});
