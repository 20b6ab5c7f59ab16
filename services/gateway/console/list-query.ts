/**
 * The workflow list's query string (`type`, `status`, `since`, `until`, `q`, `limit`,
 * `before`), shared by the page (`/workflows`) and the API (`/api/workflows`). A bad value is
 * refused with INVALID_QUERY naming the parameter.
 */
import { SAGA_STATUSES, type SagaStatus } from "../../../protocol/saga.ts";
import { ErrorCode, TerminalError } from "../../../protocol/errors.ts";
import type { ListFilter } from "../../../infra/client/index.ts";

/** Rows per page unless `limit` says otherwise. */
export const DEFAULT_PAGE = 50;
/** The largest page. */
const MAX_PAGE = 500;

/** A parsed list query: the client's filter plus the raw texts to show back in the form. */
export interface ListQuery {
  filter: ListFilter & { limit: number };
  /** The parameters as given (empty ones dropped), for links and the form. */
  params: Record<string, string>;
}

const ID_TEXT = /^[A-Za-z0-9_-]{1,128}$/;

/** Parses the list's parameters from `url`. */
export function parseListQuery(url: URL): ListQuery {
  const params: Record<string, string> = {};
  for (const name of ["type", "status", "since", "until", "q", "limit", "before"]) {
    const value = url.searchParams.get(name)?.trim();
    if (value) params[name] = value;
  }
  const filter: ListQuery["filter"] = {
    limit: params.limit ? intParam("limit", params.limit, 1, MAX_PAGE) : DEFAULT_PAGE,
  };
  if (params.type) filter.type = idParam("type", params.type);
  if (params.status) filter.status = statusParam(params.status);
  if (params.since) filter.since = timeParam("since", params.since);
  if (params.until) filter.until = timeParam("until", params.until);
  if (params.q) filter.idContains = idParam("q", params.q);
  if (params.before) filter.before = intParam("before", params.before, 1, Number.MAX_SAFE_INTEGER);
  return { filter, params };
}

/** The list's path with `params` changed by `change` (an empty value drops a parameter). */
export function listHref(params: Record<string, string>, change: Record<string, string | undefined> = {}): string {
  const merged = { ...params, ...change };
  const search = new URLSearchParams(Object.entries(merged).filter((e): e is [string, string] => Boolean(e[1])));
  const text = search.toString();
  return `/workflows${text ? `?${text}` : ""}`;
}

function invalid(name: string, message: string): TerminalError {
  return new TerminalError(ErrorCode.InvalidQuery, `${name}: ${message}`);
}

function intParam(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(name, `must be a whole number ${min}..${max}`);
  return n;
}

function idParam(name: string, text: string): string {
  if (!ID_TEXT.test(text)) throw invalid(name, "letters, digits, '-' or '_' only");
  return text;
}

function statusParam(text: string): SagaStatus {
  if (!(SAGA_STATUSES as readonly string[]).includes(text))
    throw invalid("status", `one of ${SAGA_STATUSES.join(", ")}`);
  return text as SagaStatus;
}

/** An ISO date or date-time; one without a zone (a `datetime-local` field) is read as UTC. */
function timeParam(name: string, text: string): number {
  const zoned = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw invalid(name, "an ISO date or date-time, e.g. 2026-12-01 or 2026-12-01T14:30");
  return ms;
}
