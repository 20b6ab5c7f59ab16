// plan-patch-pr's failures and approvals end to end (every role in-process on its real ports,
// the scripted model): a design the model cannot give validly, a plan whose dependencies stay
// cyclic, a coder that only writes outside its worktree, and a budget spent mid-run each end
// with a clear error, nothing merged, and no branch or open PR left; a PR that waits for its
// approval and is rejected stays open and unmerged; two coders editing the same lines end in a
// conflict that a coder resolves, and the feature branch's tests pass.
import test from "ava";
import type { PlanPatchResult } from "../protocol/plan-patch-pr.ts";
import { eventually } from "./helpers/nats.ts";
import { demoScripts, planCluster } from "./helpers/plan-cluster.ts";
import { git } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const usage = { prompt_tokens: 100, completion_tokens: 50 };
const design = (title: string, files: string[]) => ({
  kind: "feature",
  title,
  architecture: "One small module.",
  components: [{ name: "module", description: "the module", files }],
  dependencies: [],
  file_structure: files,
  test_strategy: "node:test unit tests",
});
const issue = (id: string, files: string[], dependencies: string[] = []) => ({
  id,
  title: `issue ${id}`,
  description: `do ${id}`,
  component: "module",
  files_to_modify: files,
  dependencies,
  estimated_complexity: "low",
});
/** An architect and a planner answering `match` with these issues. */
function planned(match: string, issues: object[]) {
  return {
    [`architect-${match}.json`]: { role: "architect", match, steps: [{ content: design(match, ["src/x.js"]), usage }] },
    [`planner-${match}.json`]: { role: "planner", match, steps: [{ content: { issues }, usage }] },
  };
}

/** The branches a run may have made that are left in `repo` (the sample's own feature/add-notifications aside). */
async function nothingLeft(repo: string): Promise<string> {
  const branches = await git(repo, "branch", "--list", "patchbay/*", "feature/*", "bugfix/*");
  return branches
    .split("\n")
    .map((b) => b.trim())
    .filter((b) => b !== "" && b !== "feature/add-notifications")
    .join(" ");
}

test("a design the model cannot give validly fails with INVALID_MODEL_OUTPUT", async (t) => {
  t.timeout(120_000);
  const bad = {
    role: "architect",
    match: "broken design",
    steps: [{ content: { kind: "feature" } }, { content: { kind: "x" } }],
  };
  const { repo, c } = await planCluster(t, { "architect-bad.json": bad }, (fn) => cleanups.push(fn));
  await c.start("plan-patch-pr", { repo, requirement: "A broken design" }, { id: "ppr-bad" });
  const rec = await c.wait("ppr-bad", 100_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "INVALID_MODEL_OUTPUT");
  t.is(await nothingLeft(repo), "");
});

test("a plan still cyclic after its one retry fails with INVALID_PLAN, before any branch", async (t) => {
  t.timeout(120_000);
  const scripts = planned("cyclic plan", [issue("a", ["src/a.js"], ["b"]), issue("b", ["src/b.js"], ["a"])]);
  const { repo, c, server } = await planCluster(t, scripts, (fn) => cleanups.push(fn));
  await c.start("plan-patch-pr", { repo, requirement: "A cyclic plan" }, { id: "ppr-cycle" });
  const rec = await c.wait("ppr-cycle", 100_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "INVALID_PLAN");
  t.regex(rec.error?.message ?? "", /the dependencies form a cycle: a → b → a/);
  t.is(server.requests.filter((r) => JSON.stringify(r).includes("Your last plan was refused")).length, 1);
  t.is(await nothingLeft(repo), "");
});

test("a coder that only writes outside its worktree fails with the refused path named", async (t) => {
  t.timeout(180_000);
  const escape = {
    role: "coder",
    match: "Issue escape:",
    steps: [
      { tool_calls: [{ name: "create_file", arguments: { path: "../../escape.js", content: "x" } }], usage },
      { content: "Wrote ../../escape.js.", usage },
    ],
  };
  const scripts = { ...planned("escape attempt", [issue("escape", ["src/x.js"])]), "coder-escape.json": escape };
  const { repo, c } = await planCluster(t, scripts, (fn) => cleanups.push(fn));
  await c.start("plan-patch-pr", { repo, requirement: "An escape attempt" }, { id: "ppr-escape" });
  const rec = await c.wait("ppr-escape", 150_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "NO_CHANGES");
  t.regex(rec.error?.message ?? "", /refused: create_file: .*PATH_ESCAPE|refused: create_file: .*escape/i);
  t.is(await nothingLeft(repo), "");
});

test("a budget spent mid-run fails with BUDGET_EXCEEDED; the branches made are deleted", async (t) => {
  t.timeout(300_000);
  const { repo, c, forge } = await planCluster(t, await demoScripts(), (fn) => cleanups.push(fn));
  const input = { repo, requirement: "Add user profile page with avatar upload", budget: { max_tokens: 15_000 } };
  await c.start("plan-patch-pr", input, { id: "ppr-budget" });
  const rec = await c.wait("ppr-budget", 250_000);
  t.is(rec.status, "failed");
  t.is(rec.error?.code, "BUDGET_EXCEEDED");
  const deleted = (await c.history("ppr-budget")).flatMap((e) =>
    e.message?.type === "task.completed/v1" && e.message.data.task_id.startsWith("compensate-")
      ? ((e.message.data.output as { deleted?: string[] }).deleted ?? [])
      : [],
  );
  t.true(
    deleted.some((b) => b.startsWith("patchbay/ppr-budget/")),
    `branches made and deleted: ${deleted.join(", ")}`,
  );
  t.is(await nothingLeft(repo), "");
  t.deepEqual(
    (await forge.listPullRequests(repo)).filter((pr) => pr.state === "open"),
    [],
  );
  t.is(await git(repo, "rev-list", "--count", "main"), "1", "nothing merged");
});

test("require_approval: the PR waits for approve; reject leaves it open and unmerged", async (t) => {
  t.timeout(300_000);
  const { repo, c, forge } = await planCluster(t, await demoScripts(), (fn) => cleanups.push(fn));
  const input = {
    repo,
    requirement: "Fix memory leak in background job processor",
    require_approval: true,
    auto_merge: true,
  };
  await c.start("plan-patch-pr", input, { id: "ppr-approval" });
  await eventually(
    async () => (await c.status("ppr-approval"))?.timers.approval !== undefined,
    "the approval wait",
    250_000,
  );
  await c.signal("ppr-approval", "reject", { reason: "not this week" });
  const rec = await c.wait("ppr-approval", 60_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as PlanPatchResult;
  t.like(result, { merged: false, not_merged_reason: "rejected: not this week" });
  const [pr] = await forge.listPullRequests(repo);
  t.is(pr?.state, "open");
  t.is(await git(repo, "rev-list", "--count", "main"), "1");
});

const TAIL = "  return formatDate(ms);\n}";
const fn = (name: string, body: string) => `\n\nexport function ${name}(text) {\n  return ${body};\n}`;
const SHOUT = fn("shout", 'text.toUpperCase() + "!"');
const WHISPER = fn("whisper", "text.toLowerCase()");
const unitTest = (name: string, input: string, output: string) =>
  `import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { ${name} } from "../../src/format.js";\n\ntest("${name}", () => assert.equal(${name}(${JSON.stringify(input)}), ${JSON.stringify(output)}));\n`;
/** A coder appending its function at the end of src/format.js, where the other one appends too. */
const appender = (id: string, addition: string, test: string) => ({
  role: "coder",
  match: `Issue ${id}:`,
  steps: [
    {
      tool_calls: [{ name: "edit_file", arguments: { path: "src/format.js", search: TAIL, replace: TAIL + addition } }],
      usage,
    },
    { tool_calls: [{ name: "create_file", arguments: { path: `test/unit/${id}.test.js`, content: test } }], usage },
    { content: `Added ${id}.`, usage },
  ],
});

test("two coders editing the same lines: the merge conflicts, a coder resolves it, the tests pass", async (t) => {
  t.timeout(300_000);
  const original = await import("node:fs/promises").then((fs) =>
    fs.readFile(new URL("../samples/notifications/src/format.js", import.meta.url), "utf8"),
  );
  const resolved = original.replace(TAIL, TAIL + SHOUT + WHISPER);
  const resolver = {
    role: "coder",
    match: "Resolve the merge conflict",
    steps: [
      { tool_calls: [{ name: "delete_file", arguments: { path: "src/format.js" } }], usage },
      { tool_calls: [{ name: "create_file", arguments: { path: "src/format.js", content: resolved } }], usage },
      { content: "Kept both functions.", usage },
    ],
  };
  const scripts = {
    ...planned("conflicting edits", [issue("shout", ["src/format.js"]), issue("whisper", ["src/format.js"])]),
    "coder-shout.json": appender("shout", SHOUT, unitTest("shout", "hey", "HEY!")),
    "coder-whisper.json": appender("whisper", WHISPER, unitTest("whisper", "HEY", "hey")),
    "coder-resolve.json": resolver,
  };
  const { repo, c } = await planCluster(t, scripts, (fn) => cleanups.push(fn));
  await c.start("plan-patch-pr", { repo, requirement: "Make conflicting edits" }, { id: "ppr-conflict" });
  const rec = await c.wait("ppr-conflict", 250_000);
  t.is(rec.status, "completed", JSON.stringify(rec.error));
  const result = rec.result as PlanPatchResult;
  const tasks = (await c.history("ppr-conflict")).flatMap((e) =>
    e.message?.type === "task.completed/v1" ? [e.message.data.task_id] : [],
  );
  t.true(
    tasks.some((id) => id.startsWith("resolve-")),
    tasks.join(", "),
  );
  const merged = await git(repo, "show", `${result.branch_name}:src/format.js`);
  t.true(merged.includes(SHOUT) && merged.includes(WHISPER));
  t.notRegex(merged, /^(<<<<<<<|=======|>>>>>>>)/m);
  t.true(result.test_results.passed, JSON.stringify(result.test_results));
});
