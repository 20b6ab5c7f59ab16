// Unit tests of the analysis pool's function metrics, on real source files, real Piscina
// workers and real grammars: McCabe complexity, logical lines (no blank, comment or docstring
// lines) and module wrappers.
import test from "ava";
import { analysisWorkspace } from "./helpers/analysis-workspace.ts";

const { analyzeOne } = analysisWorkspace(test);

test("complexity: two ifs and a loop make 4; nested functions are measured on their own", async (t) => {
  const js = await analyzeOne(".js", [
    "function decide(a, b) {",
    "  if (a) { b++; }",
    "  for (const x of b) { use(x); }",
    "  if (b > 2) { return 1; }",
    "  const inner = () => a && b;",
    "  return 0;",
    "}",
  ]);
  t.deepEqual(js.functions, [
    { name: "decide", startLine: 1, complexity: 4, lines: 7, logicalLines: 7 },
    { name: "inner", startLine: 5, complexity: 2, lines: 1, logicalLines: 1 },
  ]);
  const py = await analyzeOne(".py", [
    "def decide(a, b):",
    "    if a:",
    "        b += 1",
    "    while b > 0:",
    "        b -= 1",
    "    if b > 2 or a:",
    "        return 1",
    "    return 0",
  ]);
  t.deepEqual(py.functions, [{ name: "decide", startLine: 1, complexity: 5, lines: 8, logicalLines: 8 }]);
});

test("complexity counts switch cases, catch, ternaries and ?? but not default", async (t) => {
  const result = await analyzeOne(".ts", [
    "function f(x: number | null): number {",
    "  switch (x) { case 1: return 1; case 2: return 2; default: break; }",
    "  try { return x ?? 0; } catch { return x ? 1 : 0; }",
    "}",
  ]);
  t.is(result.functions[0].complexity, 1 + 2 + 1 + 1 + 1);
});

test("case labels sharing one body are one branch", async (t) => {
  const result = await analyzeOne(".js", [
    "function unit(type) {",
    "  switch (type) {",
    "    case 'years':",
    "    case 'year':",
    "    case 'y':",
    "      return 365;",
    "    case 'days':",
    "    case 'd':",
    "      return 1;",
    "    default:",
    "      return undefined;",
    "  }",
    "}",
  ]);
  t.is(result.functions[0].complexity, 1 + 2);
});

test("logical lines leave out blank lines, comments, docstrings and nested functions after their first line", async (t) => {
  const js = await analyzeOne(".js", [
    "/** Doc of outer. */",
    "function outer(list) {",
    "  // a comment line",
    "",
    "  /*",
    "   * a block comment",
    "   */",
    "  const n = 1; // trailing comment: still code",
    "  return list.map((x) => {",
    "    const y = x + n;",
    "    return y;",
    "  });",
    "}",
  ]);
  t.like(js.functions, [
    { name: "outer", lines: 12, logicalLines: 4 },
    { name: "<anonymous>", lines: 4, logicalLines: 4 },
  ]);
  t.deepEqual(js.codeLines, [2, 8, 9, 10, 11, 12, 13]);
  const py = await analyzeOne(".py", [
    '"""Module docstring."""',
    "class Box:",
    '    """Class docstring',
    "    over two lines.",
    '    """',
    "    def get(self):",
    "        '''Method docstring.'''",
    "        # comment",
    "        return 1  # trailing",
  ]);
  t.like(py.functions, [{ name: "get", lines: 4, logicalLines: 2 }]);
  t.deepEqual(py.codeLines, [2, 6, 9]);
});

test("a function passed to or called as a call that holds the module is its wrapper; a callback is not", async (t) => {
  const body = ["  var a = 1;", "  var b = 2;", "  function sum() { return a + b; }", "  return { sum: sum };"];
  const amd = await analyzeOne(".js", ["define(function () {", ...body, "});"]);
  t.like(amd.functions, [{ startLine: 1, moduleWrapper: true }, { name: "sum" }]);
  t.is(amd.functions[1].moduleWrapper, undefined);
  const script = await analyzeOne(".js", [
    "const list = [1, 2, 3];",
    "const doubled = list.map(function (x) {",
    "  return x * 2;",
    "});",
    "console.log(doubled);",
  ]);
  t.is(script.functions[0].moduleWrapper, undefined, "a callback with 3 of the file's 5 logical lines");
});
