/**
 * The gateway's page of a file of a repository's branch: `/repos/<repoKey>/files/<branch>/<path>`
 * (a postmortem's URL points there). A branch may contain `/`: the longest branch the path
 * starts with is taken. The file is shown as escaped, preformatted text.
 */
import type { ServerResponse } from "node:http";
import type { LocalForge } from "../../infra/forge/index.ts";
import { errorPage, filePage } from "./forge-html.ts";
import { sendHtml } from "./respond.ts";

/** What the file pages read from the forge. */
export type FilePages = Pick<LocalForge, "repoOfKey" | "readBranchFile">;

const ROUTE = /^\/repos\/([A-Za-z0-9_-]{1,64})\/files\/(.+)$/;

/** Serves `pathname` if it is a file route; returns whether it was one. */
export async function serveFile(forge: FilePages, pathname: string, res: ServerResponse): Promise<boolean> {
  const m = ROUTE.exec(pathname);
  if (!m) return false;
  const [, repoKey, rest] = m;
  const repo = await forge.repoOfKey(repoKey);
  if (repo === undefined) {
    sendHtml(res, 404, errorPage(404, `no repository '${repoKey}' in the forge`));
    return true;
  }
  const segments = decodeSegments(rest);
  const file = segments === undefined ? undefined : await forge.readBranchFile(repo, segments);
  if (file === undefined) sendHtml(res, 404, errorPage(404, `no file ${rest} in ${repo}`));
  else sendHtml(res, 200, filePage(repoKey, repo, file));
  return true;
}

/** The decoded path segments, or undefined when one is not valid percent-encoding. */
function decodeSegments(rest: string): string[] | undefined {
  try {
    return rest.split("/").map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
