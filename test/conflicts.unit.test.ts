// The text of a merge conflict as a coder is shown it: each region between git's markers with
// three lines of context, regions that touch shown as one, and the check for markers left over.
import test from "ava";
import { conflictHunks, hasConflictMarkers } from "../infra/git/conflicts.ts";

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const region = (ours: string, theirs: string) => ["<<<<<<< HEAD", ours, "=======", theirs, ">>>>>>> task"];

test("each conflict region with three lines of context, numbered from 1", (t) => {
  const text = [...lines(10, "a"), ...region("x", "y"), ...lines(10, "b"), ...region("p", "q"), "end"].join("\n");
  t.is(
    conflictHunks(text),
    [
      "@@ line 8 @@",
      "a8\na9\na10",
      ...region("x", "y"),
      "b1\nb2\nb3",
      "@@ line 23 @@",
      "b8\nb9\nb10",
      ...region("p", "q"),
      "end",
    ].join("\n"),
  );
});

test("regions whose context touches are one hunk; a text without markers has none", (t) => {
  const text = [...region("x", "y"), "mid1", "mid2", ...region("p", "q")].join("\n");
  t.is(conflictHunks(text), `@@ line 1 @@\n${text}`);
  t.is(conflictHunks("plain\ntext\n"), "");
});

test("markers are lines that open or close a region; a lone ======= (a heading's rule) is not one", (t) => {
  t.true(hasConflictMarkers("a\n<<<<<<< HEAD\nb"));
  t.true(hasConflictMarkers("a\n>>>>>>> 0123abc\n"));
  t.false(hasConflictMarkers("Title\n=======\n\ntext with <<<<<<< inside\n"));
});
