/**
 * `react-deps`: the React packages of a `package.json` → React 18. The file is edited as text
 * (only the version strings change, so indentation and key order stay as they were), in
 * `dependencies` and `devDependencies`:
 * - `react`, `react-dom`, `react-test-renderer` → `^18.3.1`; `@types/react` → `^18.3.32`,
 *   `@types/react-dom` → `^18.3.7`: when the range allows a version below 18;
 * - `@testing-library/react` → `^14.3.0` when it allows a version below 13 (the first for 18);
 * - `enzyme` and `enzyme-adapter-react-16` are listed: there is no React 18 adapter;
 * - a range semver cannot read (a tag, a URL) is listed.
 */
import path from "node:path";
import semver from "semver";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";

/** Target range and the lowest major that needs no change, per package. */
const TARGETS: Readonly<Record<string, { range: string; keepFrom: number }>> = {
  react: { range: "^18.3.1", keepFrom: 18 },
  "react-dom": { range: "^18.3.1", keepFrom: 18 },
  "react-test-renderer": { range: "^18.3.1", keepFrom: 18 },
  "@types/react": { range: "^18.3.32", keepFrom: 18 },
  "@types/react-dom": { range: "^18.3.7", keepFrom: 18 },
  "@testing-library/react": { range: "^14.3.0", keepFrom: 13 },
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  enzyme: "enzyme has no React 18 adapter: move these tests to @testing-library/react",
  "enzyme-adapter-react-16": "no React 18 adapter exists: remove it with enzyme",
};

const SECTIONS = ["dependencies", "devDependencies"];

/** One dependency entry of the text: where its version string is. */
interface Entry {
  name: string;
  version: string;
  /** Offset of the version's first character (after the opening quote). */
  at: number;
  line: number;
}

/** The entries of the dependency sections, with their offsets in the text. */
function entries(source: string): Entry[] {
  const found: Entry[] = [];
  for (const section of SECTIONS) {
    const start = new RegExp(`"${section}"\\s*:\\s*\\{`).exec(source);
    if (start === null) continue;
    const end = source.indexOf("}", start.index);
    const body = source.slice(start.index, end);
    for (const match of body.matchAll(/"([^"]+)"\s*:\s*"([^"]*)"/g)) {
      const at = start.index + match.index + match[0].length - match[2].length - 1;
      found.push({ name: match[1], version: match[2], at, line: source.slice(0, at).split("\n").length });
    }
  }
  return found;
}

/** The new range for an entry, null when it is fine, or a reason it cannot be upgraded. */
function upgrade(entry: Entry): { range: string } | { reason: string } | null {
  const target = TARGETS[entry.name];
  if (target === undefined) return UNSUPPORTED[entry.name] ? { reason: UNSUPPORTED[entry.name] } : null;
  const lowest = semver.validRange(entry.version) === null ? null : semver.minVersion(entry.version);
  if (lowest === null) return { reason: `range "${entry.version}" is not semver: set ${target.range} by hand` };
  return lowest.major < target.keepFrom ? { range: target.range } : null;
}

function finding(file: string, entry: Entry, message: string): SourceFinding {
  return { file, line: entry.line, api: `${entry.name}@${entry.version}`, message };
}

function migrate(source: string, file: string): CodemodOutcome {
  let output = source;
  let changes = 0;
  const leftovers: SourceFinding[] = [];
  for (const entry of entries(source).reverse()) {
    const result = upgrade(entry);
    if (result === null) continue;
    if ("reason" in result) {
      leftovers.unshift(finding(file, entry, result.reason));
      continue;
    }
    output = output.slice(0, entry.at) + result.range + output.slice(entry.at + entry.version.length);
    changes += 1;
  }
  return { source: output, changes, leftovers };
}

/** The `react-deps` codemod. */
export const reactDeps: Codemod = {
  id: "react-deps",
  description: "package.json: react, react-dom and their testing libraries → React 18",
  matches: (file) => path.posix.basename(file) === "package.json" && !file.split("/").includes("node_modules"),
  scan(source, file) {
    return entries(source)
      .filter((entry) => upgrade(entry) !== null)
      .map((entry) => finding(file, entry, "below React 18 (or unsupported on it)"));
  },
  apply: migrate,
};
