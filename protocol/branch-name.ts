/**
 * The branch of a plan-patch-pr run: `feature/<slug>` or `bugfix/<slug>`, the slug derived
 * from the requirement as in the seed ("Add user profile page with avatar upload" →
 * `feature/add-user-profile-page`; "Fix memory leak in background job processor" →
 * `bugfix/fix-memory-leak-in-background-job`).
 */

const MAX_SLUG = 40;
/** Words that start a qualifier of the change ("… with avatar upload"): the slug ends before them. */
const QUALIFIERS = new Set(["with", "using", "via", "so", "because"]);

/**
 * The slug: the requirement's first sentence in lower case, its words of letters and digits
 * joined by `-`, ending before a qualifier word (`with`, `using`, `via`, `so`, `because`) after
 * the third word, and at most 40 characters, cut on a word boundary.
 */
export function slugOf(requirement: string): string {
  const sentence = requirement.split(/[.!?\n]/)[0] ?? "";
  const words = sentence.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const qualifier = words.findIndex((w, i) => i >= 3 && QUALIFIERS.has(w));
  const kept = qualifier === -1 ? words : words.slice(0, qualifier);
  let slug = "";
  for (const word of kept) {
    const next = slug === "" ? word : `${slug}-${word}`;
    if (next.length > MAX_SLUG) break;
    slug = next;
  }
  return slug === "" ? "change" : slug;
}

/** `feature/<slug>` or `bugfix/<slug>`. */
export function branchName(kind: "feature" | "bugfix", requirement: string): string {
  return `${kind}/${slugOf(requirement)}`;
}
