/**
 * OpenTelemetry tracing. The NodeSDK with an OTLP http/json exporter runs only when an
 * endpoint is configured; otherwise the API is a no-op. Trace context crosses NATS as W3C
 * `traceparent` headers, so one workflow is one trace across coordinator and actors.
 */
import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { Header } from "../../protocol/subjects.ts";

const propagator = new W3CTraceContextPropagator();
const getter = {
  get: (c: Record<string, string>, k: string) => c[k],
  keys: (c: Record<string, string>) => Object.keys(c),
};
const setter = {
  set: (c: Record<string, string>, k: string, v: string) => {
    c[k] = v;
  },
};

/**
 * Starts the SDK when `endpoint` is set; returns a function that flushes and stops it. The SDK
 * is imported only then (it costs ~0.7 CPU s at start-up).
 */
export async function initTelemetry(serviceName: string, endpoint: string | undefined): Promise<() => Promise<void>> {
  if (!endpoint) return async () => undefined;
  const [{ NodeSDK }, { OTLPTraceExporter }, { BatchSpanProcessor }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/sdk-trace-base"),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` });
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
  });
  sdk.start();
  return () => sdk.shutdown();
}

const tracer = () => trace.getTracer("patchbay");

/** The context whose parent is the given traceparent (or the active context). */
export function contextOf(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagator.extract(context.active(), { [Header.TraceParent]: traceparent }, getter);
}

/** The traceparent of a span, or undefined when tracing is off. */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(context.active(), span), carrier, setter);
  return carrier[Header.TraceParent];
}

/** Starts a span under `traceparent`; the caller ends it. */
export function startSpan(
  name: string,
  traceparent: string | undefined,
  attributes: Attributes = {},
  kind = SpanKind.INTERNAL,
): Span {
  return tracer().startSpan(name, { kind, attributes }, contextOf(traceparent));
}

/** Runs `fn` in a span under `traceparent`, recording a thrown error. */
export async function inSpan<T>(
  name: string,
  traceparent: string | undefined,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = startSpan(name, traceparent, attributes);
  try {
    return await context.with(trace.setSpan(contextOf(traceparent), span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}
