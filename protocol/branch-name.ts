/**
 * The name of plan-patch-pr's integration branch, shared by the decider (which names it) and
 * the merger (which pushes it): `feature/<slug>` or `bugfix/<slug>`.
 */
import type { ChangeKind } from "./plan-patch-pr.ts";

/** How long a slug may be, in characters. */
export const SLUG_MAX = 40;

/**
 * Words that start a clause describing details rather than the change itself ("… page with
 * avatar upload", "… cache and retry"): the slug stops before the first of them.
 */
const JOINING_WORDS = new Set(["with", "and", "using", "via", "including", "so", "that", "which", "while"]);

/**
 * The slug of a requirement or title:
 * 1. accents are dropped and the text is lower-cased; its words are the runs of `a-z` and `0-9`;
 * 2. the words stop before the first joining word (`with`, `and`, `using`, `via`, `including`,
 *    `so`, `that`, `which`, `while`) when at least two words come before it;
 * 3. the words are joined by `-` and cut to at most {@link SLUG_MAX} characters on a word
 *    boundary (a first word longer than that is cut inside it).
 *
 * `Fix memory leak in background job processor` → `fix-memory-leak-in-background-job`;
 * `Add user profile page with avatar upload` → `add-user-profile-page`. A text without a letter
 * or digit gives `change`.
 */
export function slugOf(text: string): string {
  const words = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joining = words.findIndex((word, i) => i >= 2 && JOINING_WORDS.has(word));
  const kept = joining < 0 ? words : words.slice(0, joining);
  let slug = "";
  for (const word of kept) {
    const next = slug === "" ? word : `${slug}-${word}`;
    if (next.length > SLUG_MAX) break;
    slug = next;
  }
  if (slug === "" && kept.length > 0) slug = kept[0].slice(0, SLUG_MAX);
  return slug === "" ? "change" : slug;
}

/** `feature/<slug>` or `bugfix/<slug>` of a requirement or a design's title (see {@link slugOf}). */
export function branchName(kind: ChangeKind, requirementOrTitle: string): string {
  return `${kind}/${slugOf(requirementOrTitle)}`;
}
