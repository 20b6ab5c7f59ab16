/**
 * A real browser for tests and scripts: Debian's chromium driven by playwright-core, headless.
 * The binary is PATCHBAY_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH; when none
 * is there, launching fails with how to install it (a browser test never skips silently).
 * Pages are opened in their own context, always closed, and can be watched for console errors
 * and failed requests (the browser's own request for `/favicon.ico` aside).
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

/** Where Debian's `chromium` package puts the browser. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

const HOW_TO_INSTALL =
  "install Debian's chromium (`bash scripts/install.sh` as root does it, or `sudo apt-get install chromium`), " +
  "or set PATCHBAY_CHROMIUM to a Chromium binary";

/** The chromium binary to drive: PATCHBAY_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.PATCHBAY_CHROMIUM;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`PATCHBAY_CHROMIUM=${chosen}: no such file; ${HOW_TO_INSTALL}`);
    return chosen;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const onPath = (env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "chromium"))
    .find((candidate) => existsSync(candidate));
  if (onPath) return onPath;
  throw new Error(`chromium not found (no PATCHBAY_CHROMIUM, no ${DEBIAN_CHROMIUM}, none on PATH): ${HOW_TO_INSTALL}`);
}

/** Launches headless chromium (without its sandbox when running as root, which chromium refuses otherwise). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  const asRoot = process.getuid?.() === 0;
  // A container's /dev/shm is often 64 MB, too small for chromium's shared memory.
  const args = ["--disable-dev-shm-usage", ...(asRoot ? ["--no-sandbox"] : [])];
  try {
    return await chromium.launch({ executablePath, headless: true, args, timeout: 30_000 });
  } catch (err) {
    throw new Error(`launching ${executablePath} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Runs `fn` on a new page in a context of its own, closed afterwards whatever `fn` did. */
export async function withPage<T>(
  browser: Browser,
  fn: (page: Page) => Promise<T>,
  options: BrowserContextOptions = {},
): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** What went wrong on a page since it was watched. */
export interface PageProblems {
  /** One line per console error, uncaught page error, failed request or HTTP error response. */
  list(): string[];
}

/**
 * The icon chromium asks every site for by itself (`/favicon.ico`, when a page declares none):
 * its 404 is the browser's request, not the page's, and comes or not depending on timing.
 */
function isBrowserIconRequest(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).pathname === "/favicon.ico";
  } catch {
    return false;
  }
}

/**
 * Collects a page's console errors, uncaught errors, failed requests and responses with status
 * ≥ 400, except for the browser's own `/favicon.ico` request.
 */
export function watchPage(page: Page): PageProblems {
  const problems: string[] = [];
  const add = (url: string | undefined, line: string) => {
    if (!isBrowserIconRequest(url)) problems.push(line);
  };
  page.on("console", (msg) => {
    const url = msg.location().url;
    if (msg.type() === "error") add(url, `console error: ${msg.text()} (${url})`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) =>
    add(req.url(), `request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText ?? "unknown"}`),
  );
  page.on("response", (res) => {
    if (res.status() >= 400) add(res.url(), `HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { list: () => [...problems] };
}
