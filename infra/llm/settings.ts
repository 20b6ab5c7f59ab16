/**
 * Which model each role talks to, read from the environment:
 *
 * - `PATCHBAY_MODEL_URL`: the OpenAI-compatible base URL (`https://api.openai.com/v1`,
 *   `http://127.0.0.1:11434/v1` for Ollama, `http://127.0.0.1:8000/v1` for vLLM).
 * - `PATCHBAY_MODEL_API_KEY` (or `OPENAI_API_KEY`): the key, sent only as the bearer header.
 * - `PATCHBAY_MODEL`: the model name; `PATCHBAY_MODEL_<ROLE>` overrides it for one role
 *   (`PATCHBAY_MODEL_CODER=gpt-4.1`), as `PATCHBAY_MODEL_<ROLE>_URL` / `_API_KEY` / `_PRICE` do.
 * - `PATCHBAY_MODEL_PRICE`: `<input>,<output>` US dollars per million tokens (`2,8`).
 * - `PATCHBAY_MODEL_TIMEOUT_S` (120) per request, `PATCHBAY_MODEL_MAX_RETRIES` (4).
 *
 * A role with no model name has no model: {@link modelSettingsFor} returns undefined.
 */
import { z } from "zod";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** How one role reaches its model. */
export interface ModelSettings {
  baseURL: string;
  /** Never logged, stored or shown: see redact.ts. */
  apiKey: string;
  model: string;
  /** US dollars per million tokens, in and out; 0 when not configured. */
  price: { input: number; output: number };
  /** Per request, each retry included. */
  timeoutMs: number;
  /** Retries on 429, 5xx, timeouts and connection errors (the SDK's backoff with jitter, honouring Retry-After). */
  maxRetries: number;
}

const Price = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/, "must be <input>,<output> dollars per million tokens")
  .transform((text) => {
    const [input, output] = text.split(",").map(Number);
    return { input: input ?? 0, output: output ?? 0 };
  });

function setting(env: NodeJS.ProcessEnv, role: string, name: string): string | undefined {
  const own = env[`PATCHBAY_MODEL_${role.toUpperCase()}${name}`];
  const shared = env[`PATCHBAY_MODEL${name}`];
  return own !== undefined && own !== "" ? own : shared !== undefined && shared !== "" ? shared : undefined;
}

function parsed<T>(name: string, value: string | undefined, rule: z.ZodType<T>): T | undefined {
  if (value === undefined) return undefined;
  const result = rule.safeParse(value);
  if (result.success) return result.data;
  throw new TerminalError(ErrorCode.ConfigInvalid, `${name}: ${result.error.issues[0]?.message ?? "invalid"}`);
}

/** The model settings of `role`, or undefined when no model is configured for it. */
export function modelSettingsFor(role: string, env: NodeJS.ProcessEnv = process.env): ModelSettings | undefined {
  const model = setting(env, role, "");
  if (model === undefined) return undefined;
  const baseURL = parsed("PATCHBAY_MODEL_URL", setting(env, role, "_URL"), z.url()) ?? "https://api.openai.com/v1";
  const apiKey = setting(env, role, "_API_KEY") ?? env.OPENAI_API_KEY ?? "none";
  const price = parsed("PATCHBAY_MODEL_PRICE", setting(env, role, "_PRICE"), Price) ?? { input: 0, output: 0 };
  const timeoutS = parsed("PATCHBAY_MODEL_TIMEOUT_S", env.PATCHBAY_MODEL_TIMEOUT_S, z.coerce.number().positive());
  const maxRetries = parsed("PATCHBAY_MODEL_MAX_RETRIES", env.PATCHBAY_MODEL_MAX_RETRIES, z.coerce.number().int());
  return {
    baseURL: baseURL.replace(/\/$/, ""),
    apiKey,
    model,
    price,
    timeoutMs: Math.round((timeoutS ?? 120) * 1000),
    maxRetries: Math.max(0, maxRetries ?? 4),
  };
}
