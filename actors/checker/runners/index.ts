/**
 * Test runners: which one a command uses, the reporter arguments that make it write
 * machine-readable output, the command line of a suite, and the parser of its output.
 */
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_TMP_DIR } from "../../../infra/sandbox/index.ts";
import type { TestSpec } from "../project.ts";
import { parseAva } from "./ava.ts";
import { parseJestLike } from "./jest.ts";
import { parseMocha } from "./mocha.ts";
import { parseNodeTest } from "./node-test.ts";
import { parsePytest } from "./pytest.ts";
import { parseTap } from "./tap.ts";
import type { RunnerId, RunOutput, TestCounts } from "./types.ts";
import { parseUnittest } from "./unittest.ts";
import { parseUvu } from "./uvu.ts";

export type { RunnerId, RunOutput, TestCounts, TestFailure } from "./types.ts";
export { importFailures } from "./import-errors.ts";
export type { ImportFailure } from "./import-errors.ts";

/** A suite's command line. */
export interface SuiteCommand {
  cmd: string;
  args: string[];
  /** The runner, when it could be told from the command. */
  runner?: RunnerId;
  /** Absolute path of the report the runner was asked to write. */
  reportFile?: string;
  /** Variables the command needs (node:test takes its reporters from NODE_OPTIONS). */
  env?: Record<string, string>;
}

const PARSERS: Record<RunnerId, (output: RunOutput) => TestCounts | undefined> = {
  "node-test": parseNodeTest,
  ava: parseAva,
  jest: parseJestLike,
  vitest: parseJestLike,
  mocha: parseMocha,
  uvu: parseUvu,
  tap: parseTap,
  pytest: parsePytest,
  unittest: parseUnittest,
};

const DETECT: [RegExp, RunnerId][] = [
  [/\bvitest\b/, "vitest"],
  [/\bjest\b/, "jest"],
  [/\bmocha\b/, "mocha"],
  [/\bava\b/, "ava"],
  [/\b(?:node|tsx)\b[^&|;]*\s--test\b/, "node-test"],
  [/\buvu\b/, "uvu"],
  [/(?<![\w-])(?:tape|tap)(?![\w-])/, "tap"],
  [/\bpytest\b/, "pytest"],
  [/\bunittest\b/, "unittest"],
];

/** The runner a command line uses, if it can be told. */
export function detectRunner(text: string): RunnerId | undefined {
  return DETECT.find(([pattern]) => pattern.test(text))?.[1];
}

/** A shell variable assignment that prefixes a command (`WARN_EXIT=1 jest`). */
const ASSIGNMENT = /^[A-Za-z_]\w*=\S*$/;

/**
 * Whether reporter arguments can be appended: one plain command that starts with the runner,
 * after any variable assignments (`WARN_EXIT=1 jest --coverage`) and `npx`.
 */
function appendable(text: string, runner: RunnerId): boolean {
  if (/[;&|<>`$()\n]/.test(text)) return false;
  const words = text.trim().split(/\s+/);
  while (words.length > 1 && ASSIGNMENT.test(words[0])) words.shift();
  const first = words[0] === "npx" ? words[1] : words[0];
  if (runner === "node-test")
    return first === "node" && words.includes("--test") && !words.some((word) => word.startsWith("--test-reporter"));
  return first === runner;
}

/**
 * JUnit to the report file for counts and names, spec on stdout for lines and what a developer
 * reads. They go in NODE_OPTIONS: Node 20 takes every word after `node --test <file>` as a
 * file, so they cannot be appended to a script, and `npm run` keeps the script's pre/post steps.
 */
const NODE_TEST_REPORTERS = (reportFile: string): string[] => [
  "--test-reporter=junit",
  `--test-reporter-destination=${reportFile}`,
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
];

function reporterArgs(runner: RunnerId, reportFile: string): string[] {
  switch (runner) {
    case "jest":
      return ["--json", `--outputFile=${reportFile}`];
    case "vitest":
      return ["--reporter=json", `--outputFile=${reportFile}`];
    case "mocha":
      return ["--reporter", "json", "--reporter-option", `output=${reportFile}`];
    case "ava":
      return ["--tap"];
    case "pytest":
      return [`--junitxml=${reportFile}`];
    case "node-test":
    case "uvu":
    case "tap":
    case "unittest":
      return [];
    default: {
      const _exhaustive: never = runner;
      return _exhaustive;
    }
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** A report file name inside the worktree's sandbox TMPDIR (writable under bwrap). */
export function reportPath(dir: string, name: string): string {
  return join(dir, SANDBOX_TMP_DIR, `${randomUUID().slice(0, 8)}-${name}`);
}

const NODE_TEST_FILE = /\.(?:js|mjs|cjs|ts|mts|cts)$/;

/**
 * The script files under `folder`, listed by patchbay: the repository's Node may be older
 * than 21 and take no glob (`node --test 'dir/**' fails there), and a folder argument means
 * different things to different Node versions. A folder without files keeps the glob, so the
 * runner says it found nothing.
 */
function testFiles(dir: string, folder: string): string[] {
  const names = readdirSync(join(dir, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => NODE_TEST_FILE.test(name) && !name.split("/").includes("node_modules"))
    .sort();
  return names.length > 0 ? names.map((name) => `${folder}/${name}`) : [`${folder}/**/*.{js,mjs,cjs,ts,mts,cts}`];
}

/** The command line of a suite; `python` is the interpreter for Python suites. */
export function suiteCommand(spec: TestSpec, dir: string, python?: string): SuiteCommand {
  if (spec.kind === "node-folder") {
    const reportFile = reportPath(dir, "node-test.xml");
    return {
      cmd: "node",
      args: ["--test", ...NODE_TEST_REPORTERS(reportFile), ...testFiles(dir, spec.dir)],
      runner: "node-test",
      reportFile,
    };
  }
  if (spec.kind === "python") return pythonCommand(spec, dir, python ?? "python3");
  const runner = detectRunner(spec.text);
  const reportFile = runner === undefined ? undefined : reportPath(dir, `${runner}-report`);
  const extra =
    runner !== undefined && reportFile !== undefined && appendable(spec.text, runner)
      ? reporterArgs(runner, reportFile)
      : [];
  const nodeTest = runner === "node-test" && reportFile !== undefined && appendable(spec.text, runner);
  const env = nodeTest ? { NODE_OPTIONS: NODE_TEST_REPORTERS(reportFile).map(quoteOption).join(" ") } : undefined;
  const report = nodeTest || extra.some((arg) => arg.includes(reportFile ?? "\0")) ? reportFile : undefined;
  const written = { runner, reportFile: report, ...(env ? { env } : {}) };
  if (spec.kind === "npm-script")
    return { cmd: "npm", args: ["run", spec.script, ...(extra.length > 0 ? ["--", ...extra] : [])], ...written };
  const text = extra.length > 0 ? `${spec.text} ${extra.map(quote).join(" ")}` : spec.text;
  return { cmd: "sh", args: ["-c", text], ...written };
}

/** A NODE_OPTIONS word: double-quoted when it holds a space. */
function quoteOption(option: string): string {
  return /\s/.test(option) ? `"${option.replace(/(["\\])/g, "\\$1")}"` : option;
}

function pythonCommand(spec: Extract<TestSpec, { kind: "python" }>, dir: string, python: string): SuiteCommand {
  if (spec.runner === "unittest")
    return { cmd: python, args: ["-m", "unittest", "discover", "-s", spec.dir ?? "."], runner: "unittest" };
  const reportFile = reportPath(dir, "junit.xml");
  const args = [
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "-o",
    "junit_family=xunit1",
    `--junitxml=${reportFile}`,
    ...spec.ignore.map((path) => `--ignore=${path}`),
  ];
  return { cmd: python, args: spec.dir === undefined ? args : [...args, spec.dir], runner: "pytest", reportFile };
}

/** Counts from a run: the runner's parser, or every parser in turn when the runner is unknown. */
export function parseRun(runner: RunnerId | undefined, output: RunOutput): TestCounts | undefined {
  if (runner !== undefined) return PARSERS[runner](output) ?? tryAll(output);
  return tryAll(output);
}

function tryAll(output: RunOutput): TestCounts | undefined {
  for (const parse of Object.values(PARSERS)) {
    const counts = parse(output);
    if (counts !== undefined) return counts;
  }
  return undefined;
}
