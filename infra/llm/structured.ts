/**
 * Structured outputs: a zod schema becomes the request's `response_format` (json_schema,
 * strict), the reply is parsed and validated, and one repair request carries the
 * validation error back to the model. A second bad reply fails with INVALID_MODEL_OUTPUT,
 * showing what was wrong.
 */
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { z } from "zod";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { addUsage, NO_USAGE, type Usage } from "../../protocol/usage.ts";
import type { ModelClient } from "./client.ts";

/** A structured request. */
export interface StructuredCall<S extends z.ZodType> {
  schema: S;
  /** The schema's name in the request (letters, digits, `_`, `-`). */
  name: string;
  messages: ChatCompletionMessageParam[];
  signal?: AbortSignal;
}

/** The validated value, the usage of every request it took, and whether a repair was needed. */
export interface StructuredAnswer<T> {
  value: T;
  usage: Usage;
  repaired: boolean;
}

type Verdict<T> = { ok: true; value: T } | { ok: false; problem: string };

function verdictOf<S extends z.ZodType>(schema: S, content: string | null): Verdict<z.output<S>> {
  if (content === null || content.trim() === "") return { ok: false, problem: "the reply has no content" };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    return { ok: false, problem: `the reply is not JSON (${(err as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  return { ok: false, problem: issues.join("; ") };
}

function clip(text: string | null, max = 300): string {
  const flat = (text ?? "").replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Asks for a value matching `call.schema`; repairs once; throws INVALID_MODEL_OUTPUT after that. */
export async function structured<S extends z.ZodType>(
  client: ModelClient,
  call: StructuredCall<S>,
): Promise<StructuredAnswer<z.output<S>>> {
  const responseFormat = zodResponseFormat(call.schema, call.name);
  const ask = (messages: ChatCompletionMessageParam[]) =>
    client.chat({ messages, responseFormat, purpose: call.name, ...(call.signal ? { signal: call.signal } : {}) });
  const first = await ask(call.messages);
  const firstVerdict = verdictOf(call.schema, first.message.content);
  if (firstVerdict.ok) return { value: firstVerdict.value, usage: first.usage, repaired: false };
  const repair: ChatCompletionMessageParam[] = [
    ...call.messages,
    { role: "assistant", content: first.message.content ?? "" },
    {
      role: "user",
      content: `Your reply does not match the ${call.name} schema: ${firstVerdict.problem}. Reply again with JSON that matches it.`,
    },
  ];
  const second = await ask(repair);
  const usage = addUsage(addUsage(NO_USAGE, first.usage), second.usage);
  const secondVerdict = verdictOf(call.schema, second.message.content);
  if (secondVerdict.ok) return { value: secondVerdict.value, usage, repaired: true };
  throw new TerminalError(
    ErrorCode.InvalidModelOutput,
    `${client.model} gave no valid ${call.name} after one repair: ${secondVerdict.problem} (reply: ${clip(second.message.content)})`,
  );
}
