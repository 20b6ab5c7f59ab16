/**
 * What each engine of the security check returns, and how their findings are merged: a
 * finding of patchbay's own rules (which follow values from source to sink) replaces an
 * engine's finding of the same kind on the same line, so `exec` of a constant string is
 * patchbay's low, not bandit's medium, and a traced SQL injection is critical, not medium.
 */
import type { CheckIssue } from "../../../protocol/quality-gate.ts";

/** One engine's run over the files it was given. */
export type EngineRun =
  | {
      engine: string;
      files: readonly string[];
      issues: CheckIssue[];
      /** Files the engine could not parse (named as not analysed). */
      unparsed: string[];
    }
  | { engine: string; files: readonly string[]; unavailable: string };

/**
 * Keeps `own` (patchbay's rule findings) and the engines' findings, dropping an engine finding
 * when an own finding of the same category sits on the same file and line. `categoryOf` tells
 * an engine rule's category (a patchbay rule id), if it has one.
 */
export function mergeFindings(
  own: readonly CheckIssue[],
  engines: readonly CheckIssue[],
  categoryOf: (rule: string) => string | undefined,
): CheckIssue[] {
  const covered = new Set(own.map((issue) => `${issue.rule}@${issue.file}:${issue.line}`));
  const kept = engines.filter((issue) => {
    const category = issue.rule === undefined ? undefined : categoryOf(issue.rule);
    return category === undefined || !covered.has(`${category}@${issue.file}:${issue.line}`);
  });
  return [...own, ...kept];
}
