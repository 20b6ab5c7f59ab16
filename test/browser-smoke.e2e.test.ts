// The browser harness end to end: a real `patchbay up` stack, its gateway's index opened in
// headless chromium (test/helpers/browser.ts), its heading and a link followed, with no console
// error or failed request on the way; then everything stopped by PID.
import test from "ava";
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
