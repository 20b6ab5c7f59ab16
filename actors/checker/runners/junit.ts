/**
 * JUnit XML, as written by the runners that have it built in (node `--test-reporter=junit`,
 * vitest `--reporter=junit`, mocha `--reporter xunit`, pytest `--junitxml`): every
 * `<testcase>` at any depth is one test; a `<failure>` or `<error>` child makes it failed, a
 * `<skipped>` child skipped. Counts come from the test cases, not from the suites' attributes,
 * which nest differently from one runner to the next.
 */
import { XMLParser } from "fast-xml-parser";
import { headline } from "./types.ts";
import type { TestCounts, TestFailure } from "./types.ts";

/** One `<testcase>` as the parser reads it. */
export interface JunitCase {
  name: string;
  classname?: string;
  file?: string;
  line?: number;
  status: "passed" | "failed" | "skipped";
  /** First line of the failure's message attribute, else of its text. */
  message?: string;
}

/** How one runner's test cases become failures. */
export interface JunitOptions {
  /** The test's name (default: `name`). */
  name?: (test: JunitCase) => string;
  /** pytest's xunit1 lines count from 0. */
  zeroBasedLines?: boolean;
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  textNodeName: "#text",
  cdataPropName: "#cdata",
  htmlEntities: true,
  isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped"].includes(name),
});

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function problemMessage(problem: unknown): string | undefined {
  if (typeof problem === "string") return headline(problem);
  const node = (problem ?? {}) as Node;
  const cdata = Array.isArray(node["#cdata"]) ? node["#cdata"].join("") : text(node["#cdata"]);
  return headline(text(node.message)) ?? headline(text(node["#text"]) ?? cdata);
}

function toCase(node: Node, zeroBasedLines: boolean): JunitCase {
  const problem = [node.failure, node.error].find(Array.isArray)?.[0] as unknown;
  const line = Number.parseInt(text(node.line) ?? "", 10);
  const status = problem !== undefined ? "failed" : Array.isArray(node.skipped) ? "skipped" : "passed";
  return {
    name: text(node.name) ?? "test",
    classname: text(node.classname),
    file: text(node.file),
    line: Number.isNaN(line) ? undefined : line + (zeroBasedLines ? 1 : 0),
    status,
    message: problem === undefined ? undefined : problemMessage(problem),
  };
}

function collect(node: unknown, zeroBasedLines: boolean, into: JunitCase[]): void {
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === "testcase" && Array.isArray(value)) {
      for (const item of value) into.push(toCase((item ?? {}) as Node, zeroBasedLines));
    } else if (Array.isArray(value)) for (const item of value) collect(item, zeroBasedLines, into);
    else if (typeof value === "object") collect(value, zeroBasedLines, into);
  }
}

/** The test cases of a JUnit XML report; undefined when it is not one. */
function junitCases(xml: string, zeroBasedLines = false): JunitCase[] | undefined {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return undefined;
  }
  const root = doc as Node;
  if (root.testsuites === undefined && root.testsuite === undefined) return undefined;
  const cases: JunitCase[] = [];
  collect(root, zeroBasedLines, cases);
  return cases;
}

/** Counts and failures of a JUnit XML report; undefined when `xml` is not one. */
export function parseJunit(xml: string | undefined, options: JunitOptions = {}): TestCounts | undefined {
  if (xml === undefined || xml.trim() === "") return undefined;
  const cases = junitCases(xml, options.zeroBasedLines);
  if (cases === undefined) return undefined;
  const count = (status: JunitCase["status"]): number => cases.filter((test) => test.status === status).length;
  const failures: TestFailure[] = cases
    .filter((test) => test.status === "failed")
    .map((test) => ({
      name: options.name?.(test) ?? test.name,
      file: test.file,
      line: test.line,
      message: test.message,
    }));
  return { passed: count("passed"), failed: count("failed"), skipped: count("skipped"), total: cases.length, failures };
}
