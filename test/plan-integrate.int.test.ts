// plan-patch-pr's git and forge tasks, run as the actor host runs them, on real git repositories,
// a real nats-server (the forge bucket, the artifacts store) and the scripted model server: two
// task branches merged in turn into the feature branch, a redelivered integrate that merges
// nothing twice, a conflict with its hunks resolved by a scripted coder (and one that leaves the
// markers), the PR opened once, its merge commit on the base, and the cleanup, run twice.
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { resolveConflictBinding, type PatchPorts } from "../actors/coder/index.ts";
import { cleanupBinding, integrateBinding, planMergeBinding, planPrBinding } from "../actors/merger/index.ts";
import { openLocalForge } from "../infra/forge/index.ts";
import { createWorkspaces } from "../infra/git/index.ts";
import { ModelClient } from "../infra/llm/client.ts";
import { redactSecret } from "../infra/llm/redact.ts";
import { openArtifacts } from "../infra/nats/artifacts.ts";
import { runInSandbox } from "../infra/sandbox/index.ts";
import { errorOf } from "./helpers/errors.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";
import { startTestNats } from "./helpers/nats.ts";
import { branchWith, git, initRepo, PATCHBAY_AUTHOR, rawHandler, taskContext, tempDir } from "./helpers/repos.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const APP = 'const greeting = "Hello";\nconst name = "world";\nconsole.log(`${greeting}, ${name}`);\n';
const FEATURE = "feature/add-greetings";

/** A repository on main with app.js, and workspaces in their own cache. */
async function setUp(prefix: string) {
  const root = await tempDir(prefix, register);
  const repo = join(root, "repo");
  await initRepo(repo, { "app.js": APP, "README.md": "# app\n" });
  const workspaces = createWorkspaces({
    cacheDir: join(root, "work"),
    author: PATCHBAY_AUTHOR,
    allowEnvironment: ["GIT_CONFIG_NOSYSTEM"],
  });
  return { root, repo, workspaces };
}

/** A task context whose key is `key` (each task of a run has its own). */
const ctxOf = (kind: string, key: string) => ({ ...taskContext(kind), idempotencyKey: key });

const integrateInput = (repo: string, id: string, sha: string, featureSha?: string) => ({
  repo,
  base: "main",
  feature_branch: FEATURE,
  ...(featureSha === undefined ? {} : { feature_sha: featureSha }),
  issue_id: id,
  task_branch: `task/${id}`,
  task_sha: sha,
});

interface Merged {
  status: "merged";
  feature_sha: string;
  files: string[];
}

test("two task branches are merged in turn; a redelivered integrate merges nothing twice", async (t) => {
  const { repo, workspaces } = await setUp("patchbay-integrate-");
  const a = await branchWith(repo, "main", "task/a", { "a.js": "export const a = 1;\n" });
  const b = await branchWith(repo, "main", "task/b", { "b.js": "export const b = 2;\n" });
  const integrate = rawHandler(integrateBinding({ workspaces }));
  const first = (await integrate(integrateInput(repo, "a", a), ctxOf("plan.integrate", "wf/1/integrate-a"))) as Merged;
  t.like(first, { status: "merged", files: ["a.js"] });
  t.is(await git(repo, "rev-parse", FEATURE), first.feature_sha);
  t.is(
    await git(repo, "rev-list", "--parents", "-n", "1", first.feature_sha),
    `${first.feature_sha} ${await git(repo, "rev-parse", "main")} ${a}`,
  );
  const message = await git(repo, "log", "-1", "--format=%B", first.feature_sha);
  t.regex(message, /^Merge issue a: task\/a\n/);
  t.regex(message, /^Patchbay-Task: wf\/1\/integrate-a$/m);
  t.is(await git(repo, "log", "-1", "--format=%an <%ae>", first.feature_sha), "patchbay <patchbay@example.invalid>");

  const again = await integrate(integrateInput(repo, "a", a), ctxOf("plan.integrate", "wf/1/integrate-a"));
  t.deepEqual(again, first, "a redelivery answers the merge it made");
  const second = (await integrate(
    integrateInput(repo, "b", b, first.feature_sha),
    ctxOf("plan.integrate", "wf/1/integrate-b"),
  )) as Merged;
  t.like(second, { status: "merged", files: ["b.js"] });
  t.is(await git(repo, "rev-parse", `${second.feature_sha}^1`), first.feature_sha);
  t.deepEqual(
    await integrate(integrateInput(repo, "a", a), ctxOf("plan.integrate", "wf/1/integrate-a")),
    first,
    "a late redelivery of the first merge still finds it",
  );
  t.deepEqual(
    await integrate(integrateInput(repo, "b", b, first.feature_sha), ctxOf("plan.integrate", "wf/1/integrate-b")),
    second,
  );
  t.deepEqual(
    await integrate(integrateInput(repo, "a", a, second.feature_sha), ctxOf("plan.integrate", "wf/2/integrate-a")),
    { status: "merged", feature_sha: second.feature_sha, files: [] },
    "a task commit already in the feature branch merges nothing",
  );
  t.is(await git(repo, "rev-parse", FEATURE), second.feature_sha);
  t.is(await git(repo, "rev-list", "--count", "--merges", `main..${FEATURE}`), "2", "two merges, no more");
  t.is(await git(repo, "show", `${FEATURE}:a.js`), "export const a = 1;");
});

test("a feature branch that exists is not overwritten by a first merge; a push is leased on feature_sha", async (t) => {
  const { repo, workspaces } = await setUp("patchbay-integrate-lease-");
  const shas = [
    await branchWith(repo, "main", "task/a", { "a.js": "1\n" }),
    await branchWith(repo, "main", "task/b", { "b.js": "2\n" }),
    await branchWith(repo, "main", "task/c", { "c.js": "3\n" }),
  ];
  const integrate = rawHandler(integrateBinding({ workspaces }));
  const first = (await integrate(integrateInput(repo, "a", shas[0]), ctxOf("plan.integrate", "k/a"))) as Merged;
  const exists = await errorOf(integrate(integrateInput(repo, "b", shas[1]), ctxOf("plan.integrate", "k/b")));
  t.is(exists.code, "BRANCH_EXISTS");
  const main = await git(repo, "rev-parse", "main");
  const stale = await errorOf(integrate(integrateInput(repo, "b", shas[1], main), ctxOf("plan.integrate", "k/b2")));
  t.is(stale.code, "BRANCH_MOVED", stale.message);
  t.is(await git(repo, "rev-parse", FEATURE), first.feature_sha, "the feature branch did not move");
  const second = (await integrate(
    integrateInput(repo, "b", shas[1], first.feature_sha),
    ctxOf("plan.integrate", "k/b3"),
  )) as Merged;
  await git(repo, "branch", "--force", FEATURE, first.feature_sha); // someone moved it back
  const moved = await errorOf(
    integrate(integrateInput(repo, "c", shas[2], second.feature_sha), ctxOf("plan.integrate", "k/c")),
  );
  t.is(moved.code, "BRANCH_MOVED", "a push that would fast-forward is refused when the tip is not feature_sha");
  t.regex(
    moved.message,
    /feature\/add-greetings moved \(it was at [0-9a-f]{12}, it is at [0-9a-f]{12}\): nothing was pushed/,
  );
  t.is(await git(repo, "rev-parse", FEATURE), first.feature_sha);
});

test("two deliveries of one integrate racing push one merge and answer the same", async (t) => {
  const { repo, workspaces } = await setUp("patchbay-integrate-race-");
  const a = await branchWith(repo, "main", "task/a", { "a.js": "1\n" });
  const b = await branchWith(repo, "main", "task/b", { "b.js": "2\n" });
  const integrate = rawHandler(integrateBinding({ workspaces }));
  const first = (await integrate(integrateInput(repo, "a", a), ctxOf("plan.integrate", "k/a"))) as Merged;
  const input = integrateInput(repo, "b", b, first.feature_sha);
  const [one, two] = await Promise.all([
    integrate(input, ctxOf("plan.integrate", "k/b")),
    integrate(input, ctxOf("plan.integrate", "k/b")),
  ]);
  t.deepEqual(one, two);
  t.like(one, { status: "merged", files: ["b.js"] });
  t.is(await git(repo, "rev-parse", FEATURE), (one as Merged).feature_sha);
  t.is(await git(repo, "rev-list", "--count", "--merges", `main..${FEATURE}`), "2");
});

const CONFLICTING = {
  c: { "app.js": APP.replace('"Hello"', '"Hello there"') },
  d: { "app.js": APP.replace('"Hello"', '"Hi"') },
};

/** Merges task/c into a new feature branch, then task/d conflicts with it. */
async function conflictSetUp(prefix: string) {
  const set = await setUp(prefix);
  const c = await branchWith(set.repo, "main", "task/c", CONFLICTING.c);
  const d = await branchWith(set.repo, "main", "task/d", CONFLICTING.d);
  const integrate = rawHandler(integrateBinding({ workspaces: set.workspaces }));
  const first = (await integrate(
    integrateInput(set.repo, "c", c),
    ctxOf("plan.integrate", "wf/1/integrate-c"),
  )) as Merged;
  const input = integrateInput(set.repo, "d", d, first.feature_sha);
  return { ...set, c, d, first, input, integrate };
}

async function coderPorts(t: ExecutionContext, workspaces: PatchPorts["workspaces"], steps: unknown[] | undefined) {
  const { nc } = await startTestNats(t);
  const server =
    steps === undefined ? undefined : await scriptedModel({ "coder.json": { role: "coder", steps } }, register);
  const ports: PatchPorts = {
    workspaces,
    run: runInSandbox,
    now: Date.now,
    log: () => undefined,
    ...(server === undefined ? {} : { model: new ModelClient(settingsFor(server)) }),
    redact: (text) => redactSecret(text, TEST_API_KEY),
    artifacts: await openArtifacts(nc),
  };
  return { ports, server, nc };
}

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args });
const usage = { prompt_tokens: 400, completion_tokens: 60 };
const RESOLVED = APP.replace('"Hello"', '"Hi there"');
const RESOLVING = [
  { tool_calls: [call("read_file", { path: "app.js" })], usage },
  { tool_calls: [call("delete_file", { path: "app.js" })], usage },
  { tool_calls: [call("create_file", { path: "app.js", content: RESOLVED })], usage },
  { content: "Both sides changed the greeting; it now says Hi there.", usage },
];

test("two branches editing the same line conflict with their hunks; a coder resolves it and the merge is pushed", async (t) => {
  const { repo, workspaces, d, first, input, integrate } = await conflictSetUp("patchbay-conflict-");
  const conflict = (await integrate(input, ctxOf("plan.integrate", "wf/1/integrate-d"))) as {
    status: string;
    files: { path: string; hunks: string }[];
  };
  t.is(conflict.status, "conflict");
  t.deepEqual(
    conflict.files.map((f) => f.path),
    ["app.js"],
  );
  t.regex(
    conflict.files[0].hunks,
    /^@@ line 1 @@\n<{7} HEAD\nconst greeting = "Hello there";\n={7}\nconst greeting = "Hi";\n>{7} [0-9a-f]{40}\nconst name = "world";/,
  );
  t.is(await git(repo, "rev-parse", FEATURE), first.feature_sha, "nothing was pushed");

  const { ports, server, nc } = await coderPorts(t, workspaces, RESOLVING);
  const resolve = rawHandler(resolveConflictBinding(ports));
  const resolveInput = { ...input, conflicts: conflict.files, requirement: "Greet warmly", max_steps: 10 };
  const ctx = ctxOf("plan.resolve-conflict", "wf/1/resolve-d");
  const out = (await resolve(resolveInput, ctx)) as {
    feature_sha: string;
    files: string[];
    usage: { requests: number };
    transcript: string;
  };
  t.deepEqual(out.files, ["app.js"]);
  t.is(out.usage.requests, 4);
  t.is(await git(repo, "rev-parse", FEATURE), out.feature_sha);
  t.is(
    await git(repo, "rev-list", "--parents", "-n", "1", out.feature_sha),
    `${out.feature_sha} ${first.feature_sha} ${d}`,
  );
  t.is(await git(repo, "show", `${FEATURE}:app.js`), RESOLVED.trimEnd());
  t.regex(
    await git(repo, "log", "-1", "--format=%B", FEATURE),
    /^Merge issue d: task\/d\n[\s\S]*Patchbay-Task: wf\/1\/resolve-d$/,
  );
  const prompt = JSON.stringify(server?.requests[0]);
  t.true(prompt.includes("Greet warmly") && prompt.includes("issue d") && prompt.includes("<<<<<<< HEAD"));
  const transcript = JSON.parse((await (await openArtifacts(nc)).get(out.transcript)) ?? "{}");
  t.is(transcript.steps.length, 4);

  t.deepEqual(await resolve(resolveInput, ctx), out, "a redelivery answers the stored result");
  t.is(server?.requests.length, 4, "without asking the model again");
  t.is(await git(repo, "rev-parse", FEATURE), out.feature_sha);
});

test("an agent that leaves conflict markers fails MERGE_CONFLICT naming the file; without a model MODEL_NOT_CONFIGURED", async (t) => {
  const { repo, workspaces, first, input, integrate } = await conflictSetUp("patchbay-conflict-left-");
  const conflict = (await integrate(input, ctxOf("plan.integrate", "wf/1/integrate-d"))) as {
    files: { path: string; hunks: string }[];
  };
  const resolveInput = { ...input, conflicts: conflict.files, requirement: "Greet warmly", max_steps: 10 };
  const lazy = await coderPorts(t, workspaces, [{ content: "Looks fine to me.", usage }]);
  const err = await errorOf(
    rawHandler(resolveConflictBinding(lazy.ports))(resolveInput, ctxOf("plan.resolve-conflict", "wf/1/resolve-d")),
  );
  t.is(err.code, "MERGE_CONFLICT");
  t.regex(err.message, /the agent left conflict markers in app\.js; nothing was pushed/);
  t.is(await git(repo, "rev-parse", FEATURE), first.feature_sha, "nothing was pushed");
  const none = await coderPorts(t, workspaces, undefined);
  const missing = await errorOf(
    rawHandler(resolveConflictBinding(none.ports))(resolveInput, ctxOf("plan.resolve-conflict", "wf/1/resolve-d2")),
  );
  t.is(missing.code, "MODEL_NOT_CONFIGURED");
});

test("the PR is opened once, merged with a merge commit on the base, and the cleanup closes a PR and deletes branches twice", async (t) => {
  const { root, repo, workspaces } = await setUp("patchbay-plan-forge-");
  const a = await branchWith(repo, "main", "task/a", { "a.js": "1\n" });
  const merged = (await rawHandler(integrateBinding({ workspaces }))(
    integrateInput(repo, "a", a),
    ctxOf("plan.integrate", "k/a"),
  )) as Merged;
  const { nc } = await startTestNats(t);
  const forge = await openLocalForge(nc, { workDir: join(root, "forge"), gatewayUrl: "http://127.0.0.1:1" });
  const ports = { forge, workspaces };
  const pr = {
    repo,
    head: FEATURE,
    base: "main",
    title: "Add greetings",
    body: "design",
    labels: ["automated", "feature"],
  };
  const open = rawHandler(planPrBinding(ports));
  const ref = (await open(pr, ctxOf("plan.open-pr", "k/pr"))) as { number: number };
  t.deepEqual(await open(pr, ctxOf("plan.open-pr", "k/pr")), ref, "opened once");
  t.is((await forge.listPullRequests(repo)).length, 1);

  const merge = rawHandler(planMergeBinding(ports));
  const { merge_commit_sha: sha } = (await merge({ repo, number: ref.number }, ctxOf("plan.merge", "k/m"))) as {
    merge_commit_sha: string;
  };
  t.is(await git(repo, "rev-parse", "main"), sha, "the merge commit is main's tip");
  t.is(
    await git(repo, "rev-list", "--parents", "-n", "1", sha),
    `${sha} ${await git(repo, "rev-parse", `${sha}^1`)} ${merged.feature_sha}`,
  );
  t.deepEqual(await merge({ repo, number: ref.number }, ctxOf("plan.merge", "k/m")), { merge_commit_sha: sha });

  const b = await branchWith(repo, "main", "task/b", { "b.js": "2\n" });
  const other = await forge.createPullRequest(repo, { title: "b", head: "task/b", base: "main" });
  const cleanup = rawHandler(cleanupBinding(ports));
  const input = {
    repo,
    branches: ["task/b", "task/a", "task/gone"],
    pr_number: other.number,
    reason: "the gate failed",
  };
  t.deepEqual(await cleanup(input, ctxOf("plan.cleanup", "k/c")), { deleted: ["task/b", "task/a"], closed_pr: true });
  t.like(await forge.getPullRequest(repo, other.number), {
    state: "closed",
    comments: [{ body: "Closed by patchbay: the gate failed" }],
  });
  t.is(await git(repo, "branch", "--list", "task/*"), "");
  t.deepEqual(await cleanup(input, ctxOf("plan.cleanup", "k/c")), { deleted: [], closed_pr: false }, "twice is fine");
  t.like(await forge.getPullRequest(repo, ref.number), { state: "merged" }, "a merged PR is not closed");
  t.truthy(b);
});
