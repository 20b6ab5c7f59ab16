// The architect's repository map on a small real tree parsed by the real analysis pool: files
// ranked by the requirement's words in their paths and symbols, a file many others import
// ranked above its peers, a file the requirement names first, and the token budget respected.
import test from "ava";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createAnalysisPool } from "../infra/analysis/index.ts";
import {
  buildRepoMap,
  estimateTokens,
  importRanks,
  rankFiles,
  renderRepoMap,
  wordsOf,
} from "../actors/architect/index.ts";

const TREE: Record<string, string> = {
  "package.json": '{ "name": "shop", "type": "module" }\n',
  "README.md": "# shop\n",
  "src/util.js": "export function clamp(n, lo, hi) { return Math.min(hi, Math.max(lo, n)); }\n",
  "src/cart.js":
    'import { clamp } from "./util.js";\nexport class Cart {\n  addItem(item) {}\n  removeItem(id) {}\n  total() { return clamp(0, 0, 1); }\n}\n',
  "src/invoice.js":
    'import { clamp } from "./util.js";\nexport function renderInvoice(cart) { return clamp(1, 0, 2); }\n',
  "src/users/profile.js":
    'import { clamp } from "../util.js";\nexport function loadProfile(id) {}\nexport function saveAvatar(id, bytes) { return clamp(1, 0, 2); }\n',
  "src/mailer.js": "export function sendMail(to, body) {}\n",
};

const pool = createAnalysisPool({ threads: 1 });
test.after.always(() => pool.close());

async function tree(): Promise<{ dir: string; paths: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-repo-map-"));
  for (const [path, text] of Object.entries(TREE)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return { dir, paths: Object.keys(TREE).sort() };
}

test("words: camelCase and paths split, plurals dropped, short and stop words left out", (t) => {
  t.deepEqual([...wordsOf("Add user profile page with avatar uploads")], ["user", "profile", "avatar", "upload"]);
  t.deepEqual([...wordsOf("src/users/saveAvatar")], ["src", "user", "save", "avatar"]);
});

test("the map on a real tree: relevant files first, then what many import, each with its symbols", async (t) => {
  const { dir, paths } = await tree();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const map = await buildRepoMap(pool, dir, paths, "Add user profile page with avatar upload", 4_000);
  const lines = map.text.split("\n");
  t.is(lines[0], "src/users/profile.js: loadProfile, saveAvatar", "path and symbols match the requirement");
  t.is(lines[1], "src/util.js: clamp", "imported by three files");
  t.deepEqual(lines.slice(2), [
    "src/cart.js: Cart, addItem, removeItem, total",
    "src/invoice.js: renderInvoice",
    "src/mailer.js: sendMail",
    "README.md",
    "package.json",
  ]);
  t.is(map.files, 7);
  t.is(map.tokens, estimateTokens(map.text));
});

test("a file the requirement names comes first, whatever the other scores", async (t) => {
  const { dir, paths } = await tree();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const map = await buildRepoMap(pool, dir, paths, "Fix the user profile avatar rounding in invoice.js", 4_000);
  t.is(map.text.split("\n")[0], "src/invoice.js: renderInvoice");
  t.is(map.text.split("\n")[1], "src/users/profile.js: loadProfile, saveAvatar");
  const byPath = await buildRepoMap(pool, dir, paths, "Send a copy from src/mailer.js", 4_000);
  t.is(byPath.text.split("\n")[0], "src/mailer.js: sendMail");
});

test("the budget is respected: lines in rank order until the next one would not fit", async (t) => {
  const { dir, paths } = await tree();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const full = await buildRepoMap(pool, dir, paths, "avatar", 4_000);
  const lines = full.text.split("\n");
  const twoLines = lines.slice(0, 2).join("\n");
  const fits = await buildRepoMap(pool, dir, paths, "avatar", estimateTokens(twoLines));
  t.is(fits.text, twoLines);
  t.is(fits.files, 2);
  t.true(fits.tokens <= estimateTokens(twoLines));
  const tight = await buildRepoMap(pool, dir, paths, "avatar", estimateTokens(twoLines) - 1);
  t.is(tight.text, lines[0]);
  t.is(renderRepoMap([], "avatar", 100).files, 0);
});

test("the ranking is deterministic and import rank grows with importers", (t) => {
  const files = [
    { path: "b.js", symbols: [], imports: ["./a.js"] },
    { path: "c.js", symbols: [], imports: ["./a"] },
    { path: "a.js", symbols: [], imports: [] },
    { path: "d.js", symbols: [], imports: ["lodash"] },
  ];
  const ranks = importRanks(files);
  t.true((ranks.get("a.js") ?? 0) > (ranks.get("b.js") ?? 0));
  t.is(ranks.get("b.js"), ranks.get("d.js"));
  const order = rankFiles(files, "nothing relevant").map((f) => f.path);
  t.deepEqual(order, ["a.js", "b.js", "c.js", "d.js"]);
  t.deepEqual(
    rankFiles([...files].reverse(), "nothing relevant").map((f) => f.path),
    order,
  );
});
