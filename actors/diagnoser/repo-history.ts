/**
 * The service repository's share of the context, read in a worktree at the base branch: the
 * commits of the days before the alert (files, and the diff of the configuration files they
 * touched) and the configuration files that set limits.
 */
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { SimpleGit } from "simple-git";
import type { IncidentContext, RecentChange } from "../../protocol/incident.ts";
import { settingsOf } from "./settings.ts";

/** Most commits read. */
export const MAX_CHANGES = 30;
/** Longest diff kept of one commit's configuration files. */
export const MAX_DIFF_CHARS = 4_000;
/** Most configuration files kept. */
export const MAX_CONFIGS = 12;
/** The longest text kept of one configuration file. */
export const MAX_CONFIG_CHARS = 3_000;

const CONFIG_EXTENSIONS = /\.(ya?ml|json|ini|toml|properties)$/i;
const LOCKFILES = new Set(["package-lock.json", "npm-shrinkwrap.json", "composer.lock", "yarn.lock"]);
/** Keys of a numeric setting that sets a limit. */
const LIMIT_KEYS = /pool|conn|timeout|memory|heap|limit|max|replicas|workers|threads|queue/i;

/** Whether `path` is a configuration file: YAML, JSON, .env, .ini, .toml or .properties (lockfiles are not). */
export function isConfigFile(path: string): boolean {
  const name = basename(path);
  if (LOCKFILES.has(name)) return false;
  return /^\.env(\..+)?$/.test(name) || CONFIG_EXTENSIONS.test(name);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (clipped, ${text.length} chars)`;
}

/** The commits between `days` before the alert and the alert, newest first, with their configuration diffs. */
export async function recentChanges(git: SimpleGit, alertTime: string, days: number): Promise<RecentChange[]> {
  const since = new Date(Date.parse(alertTime) - days * 86_400_000).toISOString();
  const format = "--format=%x1e%H%x1f%cI%x1f%an%x1f%s";
  const args = ["log", `--since=${since}`, `--until=${alertTime}`, `--max-count=${MAX_CHANGES}`, format, "--name-only"];
  const out = await git.raw(args);
  const changes: RecentChange[] = [];
  for (const record of out.split("\x1e").slice(1)) {
    const [header, ...rest] = record.split("\n");
    const [sha, date, author, subject] = header.split("\x1f");
    const files = rest.map((f) => f.trim()).filter((f) => f !== "");
    const configs = files.filter(isConfigFile);
    const diff = configs.length === 0 ? "" : await git.raw(["show", "--format=", sha, "--", ...configs]);
    changes.push({
      sha,
      date,
      author,
      subject,
      files,
      ...(diff === "" ? {} : { config_diff: clip(diff, MAX_DIFF_CHARS) }),
    });
  }
  return changes;
}

/** The repository's configuration files with a numeric setting of a limit (pool sizes, timeouts, memory…), clipped. */
export async function limitConfigs(git: SimpleGit, worktree: string): Promise<IncidentContext["configs"]> {
  const files = (await git.raw(["ls-files", "-z"])).split("\0").filter((f) => f !== "" && isConfigFile(f));
  const configs: IncidentContext["configs"] = [];
  for (const file of files.sort()) {
    if (configs.length >= MAX_CONFIGS) break;
    const text = await readFile(join(worktree, file), "utf8").catch(() => "");
    if (settingsOf(text).some((setting) => LIMIT_KEYS.test(setting.key)))
      configs.push({ file, text: clip(text, MAX_CONFIG_CHARS) });
  }
  return configs;
}
