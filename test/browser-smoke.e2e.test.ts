// The browser harness end to end: a real `patchbay up` stack, its gateway's index opened in
// headless chromium (test/helpers/browser.ts), its heading and a link followed, with no console
// error or failed request on the way; then everything stopped by PID. And the watch those tests
// rely on: a page with errors on a plain HTTP server has each of them reported.
import test from "ava";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, watchPage, withPage } from "./helpers/browser.ts";
import { isAlive } from "./helpers/cli.ts";
import { startUpStack } from "./helpers/up-stack.ts";

test("the gateway's index in chromium: its heading, a link to the workflows API that answers, no errors", async (t) => {
  const home = await mkdtemp(join(tmpdir(), "patchbay-browser-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const up = await startUpStack(home);
  t.teardown(() => up.stop());

  await withPage(browser, async (page) => {
    const problems = watchPage(page);
    const res = await page.goto(`${up.gateway}/`);
    t.is(res?.status(), 200);
    t.regex(res?.headers()["content-type"] ?? "", /^text\/html/);
    t.is((await page.locator("h1").textContent())?.trim(), "patchbay gateway");

    const link = page.locator('a[href="/api/workflows"]');
    t.is(await link.count(), 1, "the index links the workflows API");
    const [api] = await Promise.all([page.waitForResponse(`${up.gateway}/api/workflows`), link.click()]);
    t.is(api.status(), 200);
    t.true(Array.isArray(((await api.json()) as { workflows: unknown }).workflows), "a page of workflows");
    t.deepEqual(problems.list(), []);
  });

  await up.stop();
  t.deepEqual(
    up.children.filter((c) => isAlive(c.pid)).map((c) => c.args),
    [],
    "every process of the stack stopped",
  );
});

/** A page that logs an error, throws, and loads an image that is not there. */
const BROKEN_PAGE = `<!doctype html><title>broken</title><h1>broken</h1>
<img src="/missing.png" alt="">
<script>console.error("boom"); setTimeout(() => { throw new Error("uncaught"); });</script>`;

test("watchPage reports a console error, an uncaught error and a 404 sub-resource", async (t) => {
  const server = createServer((req, res) => {
    const page = req.url === "/";
    res.writeHead(page ? 200 : 404, { "content-type": page ? "text/html" : "text/plain" });
    res.end(page ? BROKEN_PAGE : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());

  const found = await withPage(browser, async (page) => {
    const problems = watchPage(page);
    const thrown = page.waitForEvent("pageerror");
    await page.goto(`${base}/`);
    await thrown;
    return problems.list();
  });
  t.true(found.includes(`console error: boom (${base}/)`), found.join("\n"));
  t.true(found.includes("page error: uncaught"), found.join("\n"));
  t.true(found.includes(`HTTP 404: GET ${base}/missing.png`), found.join("\n"));
  t.false(
    found.some((p) => p.includes("favicon")),
    "the browser's own icon request is not the page's",
  );
});
