/**
 * What the console shows of one workflow, read through the client: its record, history and
 * timeline, its children (from the history's `child` entries, each with its status now), and
 * its links: every `*_url` of its result (PR, hotfix PR, postmortem, issue), its report, and
 * its trace through the configured URL template.
 */
import { timelineOf, type HistoryEntry, type PatchbayClient } from "../../../infra/client/index.ts";
import { TERMINAL, type SagaRecord } from "../../../protocol/saga.ts";
import type { ChildLine, WorkflowLink, WorkflowPageData } from "./workflow-page.ts";

/** The most children a page looks up. */
const MAX_CHILDREN = 50;

/** Reads everything the workflow page shows, or undefined when there is no such workflow. */
export async function readWorkflowPage(
  client: PatchbayClient,
  id: string,
  traceUrl: string | undefined,
  now: number,
): Promise<WorkflowPageData | undefined> {
  const rec = await client.status(id);
  if (!rec) return undefined;
  const history = await client.history(id);
  return {
    rec,
    history,
    timeline: timelineOf(rec, history, now),
    children: await childrenOf(client, rec, history),
    links: linksOf(rec, traceUrl),
    now,
  };
}

async function childrenOf(client: PatchbayClient, rec: SagaRecord, history: HistoryEntry[]): Promise<ChildLine[]> {
  const started = new Map<string, string>(Object.entries(rec.children));
  for (const e of history) {
    if (e.message?.type !== "log/v1") continue;
    for (const x of e.message.data.entries) {
      const d = x.data as { child_id?: string; type?: string } | undefined;
      if (x.step === "child" && d?.child_id && d.type) started.set(d.child_id, d.type);
    }
  }
  const ids = [...started.keys()].slice(0, MAX_CHILDREN);
  return await Promise.all(
    ids.map(async (child) => ({
      id: child,
      type: started.get(child) ?? "",
      status: (await client.status(child))?.status ?? "not started",
    })),
  );
}

/** The workflow's links: its result's URLs, its report, its trace. */
export function linksOf(rec: SagaRecord, traceUrl: string | undefined): WorkflowLink[] {
  const links: WorkflowLink[] = urlsIn(rec.result).map(([key, href]) => ({ label: labelOf(key), href }));
  if (rec.type === "code-migration" && TERMINAL.has(rec.status))
    links.push({ label: "analysis report", href: `/workflows/${encodeURIComponent(rec.id)}/report` });
  const traceId = rec.trace?.split("-")[1];
  if (traceUrl && traceId && /^[0-9a-f]{32}$/.test(traceId))
    links.push({ label: "trace", href: traceUrl.replace("{trace_id}", traceId) });
  return links;
}

/** `[key, url]` of every string field named `*_url` in `value`, two levels deep. */
function urlsIn(value: unknown, depth = 0): Array<[string, string]> {
  if (typeof value !== "object" || value === null || depth > 1) return [];
  return Object.entries(value).flatMap(([k, v]): Array<[string, string]> => {
    if (typeof v === "string" && k.endsWith("_url") && v) return [[k, v]];
    return Array.isArray(v) ? [] : urlsIn(v, depth + 1);
  });
}

function labelOf(key: string): string {
  const names: Record<string, string> = {
    pr_url: "pull request",
    hotfix_pr_url: "hotfix pull request",
    rollback_pr_url: "rollback pull request",
    postmortem_url: "postmortem",
    issue_url: "issue",
  };
  return names[key] ?? key.replace(/_url$/, "").replace(/_/g, " ");
}
