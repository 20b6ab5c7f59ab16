/**
 * The scripts of the scripted model server: one JSON file per conversation, chosen by the
 * role marker of the request's system prompt and an optional text its user messages contain.
 * The step is the number of assistant messages the request already holds, so a conversation
 * replays the same way whatever retries happened. The format, in full:
 *
 * ```json
 * { "role": "coder", "match": "add a greeting",
 *   "steps": [
 *     { "tool_calls": [{ "name": "read_file", "arguments": { "path": "index.js" } }],
 *       "usage": { "prompt_tokens": 900, "completion_tokens": 40 },
 *       "faults": [{ "status": 429, "retry_after": 1 }, { "status": 500 }] },
 *     { "content": "done" } ],
 *   "repeat_last": false }
 * ```
 *
 * `content` may be a string or a JSON value (sent as its JSON text). `faults` are served one
 * per request, in order, before the step's answer: `{status, retry_after?}`, `{hang: true}`
 * (no answer until the client gives up), `{invalid_json: true}` (a 200 whose body is not JSON).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** One fault, served instead of an answer. */
export const Fault = z.union([
  z.object({ status: z.number().int().min(400).max(599), retry_after: z.number().nonnegative().optional() }),
  z.object({ hang: z.literal(true) }),
  z.object({ invalid_json: z.literal(true) }),
]);
export type Fault = z.infer<typeof Fault>;

/** One scripted answer. */
export const ScriptStep = z.object({
  content: z.unknown().optional(),
  tool_calls: z.array(z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })).optional(),
  usage: z
    .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
    .optional(),
  faults: z.array(Fault).optional(),
});
export type ScriptStep = z.infer<typeof ScriptStep>;

/** One conversation's script. */
export const Script = z.object({
  role: z.string().min(1),
  match: z.string().min(1).optional(),
  steps: z.array(ScriptStep).min(1),
  /** Answer every step past the end with the last one (a model stuck in a loop). */
  repeat_last: z.boolean().default(false),
});
export type Script = z.infer<typeof Script> & { file: string };

/** Reads every `*.json` of `dir`, by name; a bad file throws naming it and the field. */
export async function loadScripts(dir: string): Promise<Script[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  const scripts: Script[] = [];
  for (const name of names) {
    const parsed = Script.safeParse(JSON.parse(await readFile(join(dir, name), "utf8")));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${name}: ${issue?.path.join(".")}: ${issue?.message}`);
    }
    scripts.push({ ...parsed.data, file: name });
  }
  if (scripts.length === 0) throw new Error(`${dir} holds no *.json script`);
  return scripts;
}

/** A request's messages, as far as matching needs them. */
export interface RequestMessage {
  role: string;
  content?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? "").join("\n");
  return "";
}

/** The role named by the system prompt's marker, or undefined. */
export function roleOf(messages: RequestMessage[]): string | undefined {
  const system = messages.find((m) => m.role === "system");
  return /\[patchbay:role=([\w-]+)\]/.exec(textOf(system?.content))?.[1];
}

/** The script for a request and the step it is at, or why none fits. */
export function chooseStep(
  scripts: Script[],
  messages: RequestMessage[],
): { script: Script; step: number; answer: ScriptStep } | { error: string } {
  const role = roleOf(messages);
  const asked = messages
    .filter((m) => m.role === "user")
    .map((m) => textOf(m.content))
    .join("\n");
  const script = scripts.find((s) => s.role === role && (s.match === undefined || asked.includes(s.match)));
  if (script === undefined) return { error: `no script for role ${role ?? "(no marker)"} matches the request` };
  const step = messages.filter((m) => m.role === "assistant").length;
  const index = script.repeat_last ? Math.min(step, script.steps.length - 1) : step;
  const answer = script.steps[index];
  if (answer === undefined)
    return { error: `${script.file} has ${script.steps.length} steps; the request is at step ${step + 1}` };
  return { script, step, answer };
}
