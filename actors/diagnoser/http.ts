/** Reading the JSON of Prometheus's and Loki's HTTP APIs (both answer `{"status": "success", "data": …}`). */

/** How long one request to an observability source may take. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** GETs `url` and returns its `data`; throws with the server's error, the HTTP status or the network error. */
export async function getApiData(http: typeof fetch, url: URL, signal: AbortSignal): Promise<unknown> {
  const response = await http(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
  });
  const text = await response.text();
  let body: { status?: unknown; data?: unknown; error?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${response.status}: not JSON (${text.slice(0, 120)})`);
  }
  if (!response.ok || body.status !== "success") {
    throw new Error(
      `HTTP ${response.status}: ${typeof body.error === "string" ? body.error : "status " + String(body.status)}`,
    );
  }
  return body.data;
}

/** An error's message, including the cause fetch hides its network error in. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}
