// The eslint config patchbay applies to a JavaScript/TypeScript repository that chose no
// linter of its own (eslint flat config). It reports likely bugs only — undefined names,
// unreachable code, duplicate keys, `x == NaN`, a misspelt `typeof` and the like — never a
// style the repository did not choose (no `prefer-const`, no `no-var`, no unused variables),
// and none of its rules is auto-fixed: patchbay's auto-fix only runs a repository's own tools.
//
// Each file is parsed as Node would load it: `.cjs`, and `.js` in a package without
// `"type": "module"`, as CommonJS (`require`, `module`, `exports`, `__dirname`); `.mjs`, and
// `.js` in a `"type": "module"` package, as ES modules; a `.js` file of a CommonJS package
// that has `import`/`export` statements (bundled front-end code) as a module too. Node's
// globals everywhere, the browser's in browser folders or packages with a `browser` field,
// and test-runner globals (describe, it, expect, …) in test files. TypeScript files are
// linted when patchbay's typescript-eslint parser is installed (undefined names are left to
// the compiler there).
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import globals from "globals";

const parser = await import("@typescript-eslint/parser").then(
  (mod) => mod.default ?? mod,
  () => undefined,
);

/** eslint's recommended rules of the "problem" kind that point at bugs, plus no-self-compare. */
const BUG_RULES = Object.fromEntries(
  [
    "constructor-super",
    "for-direction",
    "getter-return",
    "no-async-promise-executor",
    "no-class-assign",
    "no-compare-neg-zero",
    "no-cond-assign",
    "no-const-assign",
    "no-constant-binary-expression",
    "no-dupe-args",
    "no-dupe-class-members",
    "no-dupe-else-if",
    "no-dupe-keys",
    "no-duplicate-case",
    "no-empty-character-class",
    "no-ex-assign",
    "no-func-assign",
    "no-global-assign",
    "no-import-assign",
    "no-invalid-regexp",
    "no-loss-of-precision",
    "no-misleading-character-class",
    "no-new-native-nonconstructor",
    "no-obj-calls",
    "no-self-assign",
    "no-self-compare",
    "no-setter-return",
    "no-this-before-super",
    "no-undef",
    "no-unexpected-multiline",
    "no-unreachable",
    "no-unsafe-finally",
    "no-unsafe-negation",
    "no-unsafe-optional-chaining",
    "no-useless-backreference",
    "use-isnan",
    "valid-typeof",
  ].map((rule) => [rule, "error"]),
);

const TEST_FILE = /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$/;
const BROWSER_DIR = /(^|\/)(browser|client|public|static|www|web|frontend)\//;
const ESM_SYNTAX = /^\s*(import\s*[\w{*"'$]|export\s+(default|const|let|var|function|class|async|\{|\*))/m;

const packageTypes = new Map();

/** The nearest package.json above `dir` (parsed), or undefined at the root. */
function nearestPackage(dir) {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let found;
  try {
    found = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    const parent = dirname(dir);
    found = parent === dir ? undefined : nearestPackage(parent);
  }
  packageTypes.set(dir, found);
  return found;
}

/** Whether Node loads `path` as CommonJS (and its text has no import/export statement). */
function isCommonJs(path) {
  if (path.endsWith(".cjs")) return true;
  if (!/\.jsx?$/.test(path) || nearestPackage(dirname(path))?.type === "module") return false;
  try {
    return !ESM_SYNTAX.test(readFileSync(path, "utf8"));
  } catch {
    return true;
  }
}

/** `path` relative to the repository (eslint runs in its root), so folders above it never count. */
function inRepo(path) {
  return relative(process.cwd(), path).split("\\").join("/");
}

function isBrowserCode(path) {
  return BROWSER_DIR.test(inRepo(path)) || nearestPackage(dirname(path))?.browser !== undefined;
}

const testGlobals = { ...globals.mocha, ...globals.jest, ...globals.vitest };

export default [
  {
    ignores: [
      "**/node_modules/**",
      "coverage/**",
      "dist/**",
      "build/**",
      "vendor/**",
      "**/*.min.js",
      ".patchbay-home/**",
      ".patchbay-tmp/**",
    ],
  },
  {
    files: ["**/*.{js,mjs,cjs,jsx}"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: { ...globals.nodeBuiltin, ...globals["shared-node-browser"] },
    },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: BUG_RULES,
  },
  { files: [isCommonJs], languageOptions: { sourceType: "commonjs", globals: globals.node } },
  { files: [isBrowserCode], languageOptions: { globals: globals.browser } },
  { files: [(path) => TEST_FILE.test(inRepo(path))], languageOptions: { globals: testGlobals } },
  ...(parser === undefined
    ? []
    : [
        {
          files: ["**/*.{ts,mts,cts,tsx}"],
          languageOptions: { parser, ecmaVersion: "latest", sourceType: "module" },
          linterOptions: { reportUnusedDisableDirectives: "off" },
          rules: { ...BUG_RULES, "no-undef": "off", "no-dupe-class-members": "off", "no-func-assign": "off" },
        },
      ]),
];
