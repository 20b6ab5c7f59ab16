// The model client against the scripted model server over real HTTP, through the openai SDK:
// usage and cost, structured outputs repaired once then INVALID_MODEL_OUTPUT, a 429 with
// Retry-After waited out, a 500 retried, a hung request timed out, an abort cancelling the
// request in flight, a refused request not retried, a body that is not JSON, and no error
// text carrying the key.
import test from "ava";
import { z } from "zod";
import { ModelClient } from "../infra/llm/client.ts";
import { openingMessages } from "../infra/llm/prompt.ts";
import { structured } from "../infra/llm/structured.ts";
import { scriptedModel, settingsFor, TEST_API_KEY } from "./helpers/model-server.ts";

const cleanups: (() => Promise<void>)[] = [];
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const register = (fn: () => Promise<void>) => cleanups.push(fn);

const Plan = z.object({ title: z.string(), steps: z.array(z.string()) });
const ask = (task: string) => openingMessages({ role: "planner", instructions: "Plan the work.", task });

test("a reply's usage is counted, priced and the bearer key sent", async (t) => {
  const server = await scriptedModel(
    {
      "a.json": {
        role: "planner",
        steps: [{ content: "hello", usage: { prompt_tokens: 1000, completion_tokens: 500 } }],
      },
    },
    register,
  );
  const answer = await new ModelClient(settingsFor(server)).chat({ messages: ask("say hello") });
  t.is(answer.message.content, "hello");
  t.deepEqual(answer.usage, { input_tokens: 1000, output_tokens: 500, requests: 1, cost_usd: 0.006 });
  t.is(server.requests[0]?.headers.authorization, `Bearer ${TEST_API_KEY}`);
});

test("an invalid structured reply is repaired once, carrying the validation error back", async (t) => {
  const server = await scriptedModel(
    {
      "plan.json": {
        role: "planner",
        steps: [{ content: { title: "x", steps: "not a list" } }, { content: { title: "x", steps: ["a", "b"] } }],
      },
    },
    register,
  );
  const answer = await structured(new ModelClient(settingsFor(server)), {
    schema: Plan,
    name: "plan",
    messages: ask("p"),
  });
  t.deepEqual(answer.value, { title: "x", steps: ["a", "b"] });
  t.true(answer.repaired);
  t.is(server.requests.length, 2);
  const repair = JSON.stringify(server.requests[1]?.body);
  t.regex(repair, /does not match the plan schema: steps: /);
  const format = (server.requests[0]?.body as { response_format?: { type: string } }).response_format;
  t.is(format?.type, "json_schema");
});

test("a second invalid reply fails with INVALID_MODEL_OUTPUT, showing what was wrong", async (t) => {
  const server = await scriptedModel(
    { "plan.json": { role: "planner", steps: [{ content: "not json" }, { content: { title: 3 } }] } },
    register,
  );
  const err = await t.throwsAsync(
    structured(new ModelClient(settingsFor(server)), { schema: Plan, name: "plan", messages: ask("p") }),
  );
  t.is((err as { code?: string }).code, "INVALID_MODEL_OUTPUT");
  t.regex(err.message, /title: .*expected string/i);
  t.regex(err.message, /reply: \{"title":3\}/);
  t.is(server.requests.length, 2);
});

test("a 429 with Retry-After is waited out and a 500 retried, each counted", async (t) => {
  const server = await scriptedModel(
    {
      "a.json": {
        role: "planner",
        steps: [{ content: "ok", faults: [{ status: 429, retry_after: 1 }, { status: 500 }] }],
      },
    },
    register,
  );
  const answer = await new ModelClient(settingsFor(server)).chat({ messages: ask("x") });
  t.is(answer.message.content, "ok");
  t.deepEqual(
    server.requests.map((r) => r.answered),
    [429, 500, 200],
  );
  t.is(answer.usage.requests, 3);
  const gap = Date.parse(server.requests[1]?.at ?? "") - Date.parse(server.requests[0]?.at ?? "");
  t.true(gap >= 990, `the Retry-After second was waited (${gap} ms)`);
});

test("a hung request times out after its retries with MODEL_TIMEOUT", async (t) => {
  const server = await scriptedModel(
    { "a.json": { role: "planner", steps: [{ content: "late", faults: [{ hang: true }, { hang: true }] }] } },
    register,
  );
  const client = new ModelClient(settingsFor(server, { timeoutMs: 300, maxRetries: 1 }));
  const err = await t.throwsAsync(client.chat({ messages: ask("x") }));
  t.is((err as { code?: string }).code, "MODEL_TIMEOUT");
  t.is(server.requests.filter((r) => r.answered === "hang").length, 2);
});

test("the task's AbortSignal cancels the request in flight", async (t) => {
  const server = await scriptedModel(
    { "a.json": { role: "planner", steps: [{ faults: [{ hang: true }] }] } },
    register,
  );
  const controller = new AbortController();
  const pending = new ModelClient(settingsFor(server, { timeoutMs: 60_000 })).chat({
    messages: ask("x"),
    signal: controller.signal,
  });
  const deadline = Date.now() + 5_000;
  while (server.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  controller.abort();
  const err = await t.throwsAsync(pending);
  t.is((err as { code?: string }).code, "CANCELLED");
  t.is(server.requests.length, 1);
});

test("a refused request is not retried, and no error text carries the key", async (t) => {
  const server = await scriptedModel({ "a.json": { role: "other", steps: [{ content: "x" }] } }, register);
  const err = await t.throwsAsync(new ModelClient(settingsFor(server)).chat({ messages: ask("x") }));
  t.is((err as { code?: string }).code, "MODEL_REFUSED");
  t.regex(err.message, /no script for role planner/);
  t.is(server.requests.length, 1);
  t.false(JSON.stringify({ message: err.message, stack: err.stack }).includes(TEST_API_KEY));
});

test("an endpoint that is not there is MODEL_UNAVAILABLE after the retries", async (t) => {
  const client = new ModelClient(settingsFor({ baseURL: "http://127.0.0.1:9/v1" }, { maxRetries: 1 }));
  const err = await t.throwsAsync(client.chat({ messages: ask("x") }));
  t.is((err as { code?: string }).code, "MODEL_UNAVAILABLE");
  t.false(err.message.includes(TEST_API_KEY));
});

test("a 200 whose body is not JSON is MODEL_UNAVAILABLE (retryable), saying so", async (t) => {
  const server = await scriptedModel(
    { "a.json": { role: "planner", steps: [{ content: "ok", faults: [{ invalid_json: true }] }] } },
    register,
  );
  const err = await t.throwsAsync(new ModelClient(settingsFor(server)).chat({ messages: ask("x") }));
  t.is((err as { code?: string }).code, "MODEL_UNAVAILABLE");
  t.regex(err.message, /answered a body that is not JSON/);
  t.true((err as { retryable?: boolean }).retryable);
});
