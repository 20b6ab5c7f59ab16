// The integration branch's name: the two seeds, the 40-character cut on a word boundary, the
// joining word, and texts with no word at all.
import test from "ava";
import { branchName, slugOf, SLUG_MAX } from "../protocol/branch-name.ts";

test("the seeds' branch names", (t) => {
  t.is(branchName("bugfix", "Fix memory leak in background job processor"), "bugfix/fix-memory-leak-in-background-job");
  t.is(branchName("feature", "Add user profile page with avatar upload"), "feature/add-user-profile-page");
});

test("a slug is cut to 40 characters on a word boundary", (t) => {
  const slug = slugOf("Refactor the billing reconciliation pipeline to stream invoices from storage");
  t.is(slug, "refactor-the-billing-reconciliation");
  t.true(slug.length <= SLUG_MAX);
  t.is(slugOf("x".repeat(60)), "x".repeat(SLUG_MAX), "one long word is cut inside it");
});

test("a joining word ends the slug only after two words", (t) => {
  t.is(slugOf("Cache and retry failed uploads"), "cache-and-retry-failed-uploads");
  t.is(slugOf("Support SSO login with SAML and OIDC"), "support-sso-login");
});

test("words are letters and digits, lower case, accents dropped", (t) => {
  t.is(slugOf("  Fix: crash in `parse()` — UTF-8 café names (v2.1)!  "), "fix-crash-in-parse-utf-8-cafe-names-v2-1");
  t.is(slugOf("!!! ???"), "change");
});
