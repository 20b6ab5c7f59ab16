/**
 * The one model client every role uses: the `openai` SDK against any OpenAI-compatible Chat
 * Completions endpoint. The SDK retries 429, 5xx, timeouts and connection errors with
 * exponential backoff and jitter, honouring `Retry-After`; this wrapper adds the usage and
 * cost of each call (requests counted at the fetch, so retries show), a GenAI span, the
 * task's AbortSignal, and errors with patchbay codes whose text never carries the key.
 */
import OpenAI from "openai";
import type {
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { SpanStatusCode } from "@opentelemetry/api";
import { ErrorCode, PatchbayError, TerminalError } from "../../protocol/errors.ts";
import type { Usage } from "../../protocol/usage.ts";
import { startSpan } from "../telemetry/tracing.ts";
import { redactSecret } from "./redact.ts";
import type { ModelSettings } from "./settings.ts";

/** One Chat Completions call. */
export interface ChatCall {
  messages: ChatCompletionMessageParam[];
  tools?: ChatCompletionTool[];
  responseFormat?: ResponseFormatJSONSchema;
  /** The task's signal: aborting it cancels the request in flight. */
  signal?: AbortSignal;
  /** Named in the span (`chat coder`). */
  purpose?: string;
}

/** The model's answer and what it cost. */
export interface ChatAnswer {
  message: ChatCompletionMessage;
  finishReason: string;
  usage: Usage;
}

/** A client bound to one role's model settings. */
export class ModelClient {
  readonly model: string;
  private readonly settings: ModelSettings;
  private readonly sdk: OpenAI;
  private requests = 0;

  constructor(settings: ModelSettings) {
    this.settings = settings;
    this.model = settings.model;
    this.sdk = new OpenAI({
      baseURL: settings.baseURL,
      apiKey: settings.apiKey,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      fetch: (url: string | URL | Request, init?: RequestInit) => {
        this.requests += 1;
        return fetch(url, init);
      },
    });
  }

  /** Sends one call; throws a PatchbayError (MODEL_UNAVAILABLE, MODEL_TIMEOUT, MODEL_REFUSED, CANCELLED). */
  async chat(call: ChatCall): Promise<ChatAnswer> {
    const span = startSpan(`chat ${call.purpose ?? this.model}`, undefined, {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": this.model,
    });
    const before = this.requests;
    try {
      const completion = await this.sdk.chat.completions.create(
        {
          model: this.model,
          messages: call.messages,
          ...(call.tools && call.tools.length > 0 ? { tools: call.tools } : {}),
          ...(call.responseFormat ? { response_format: call.responseFormat } : {}),
        },
        call.signal ? { signal: call.signal } : {},
      );
      const choice = completion.choices[0];
      if (choice === undefined) throw new PatchbayError(ErrorCode.ModelUnavailable, `${this.model} answered no choice`);
      const usage = this.usageOf(completion.usage, this.requests - before);
      span.setAttributes({
        "gen_ai.response.model": completion.model,
        "gen_ai.usage.input_tokens": usage.input_tokens,
        "gen_ai.usage.output_tokens": usage.output_tokens,
      });
      return { message: choice.message, finishReason: choice.finish_reason, usage };
    } catch (err) {
      const error = this.patchbayError(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code}: ${error.message}` });
      throw error;
    } finally {
      span.end();
    }
  }

  private usageOf(reported: OpenAI.CompletionUsage | undefined, requests: number): Usage {
    const input = reported?.prompt_tokens ?? 0;
    const output = reported?.completion_tokens ?? 0;
    const cost = (input * this.settings.price.input + output * this.settings.price.output) / 1e6;
    return { input_tokens: input, output_tokens: output, requests, cost_usd: Math.round(cost * 1e6) / 1e6 };
  }

  /** The SDK's error as a patchbay error, its text cleared of the key. */
  private patchbayError(err: unknown): PatchbayError {
    if (err instanceof PatchbayError) return err;
    const clean = (text: string) => redactSecret(text, this.settings.apiKey);
    const what = `${this.model} at ${this.settings.baseURL}`;
    if (err instanceof OpenAI.APIUserAbortError)
      return new TerminalError(ErrorCode.Cancelled, `request to ${what} cancelled`);
    if (err instanceof OpenAI.APIConnectionTimeoutError)
      return new PatchbayError(ErrorCode.ModelTimeout, `${what} did not answer within ${this.settings.timeoutMs} ms`);
    if (err instanceof OpenAI.APIConnectionError)
      return new PatchbayError(ErrorCode.ModelUnavailable, clean(`${what} unreachable: ${err.message}`));
    if (err instanceof OpenAI.APIError) {
      const status = err.status ?? 0;
      const text = clean(`${what} answered ${status}: ${err.message}`);
      if (status === 429 || status >= 500) return new PatchbayError(ErrorCode.ModelUnavailable, text);
      return new TerminalError(ErrorCode.ModelRefused, text);
    }
    if (err instanceof SyntaxError)
      return new PatchbayError(
        ErrorCode.ModelUnavailable,
        clean(`${what} answered a body that is not JSON (${err.message})`),
      );
    return new PatchbayError(ErrorCode.ModelUnavailable, clean(`${what}: ${(err as Error).message}`));
  }
}
