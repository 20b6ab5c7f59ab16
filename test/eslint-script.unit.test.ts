// Proves that the lint check reads what a repository's own lint script gives eslint: the files
// and globs of every eslint command in the `lint` script's chain (commander 9.4.1's two), the
// options that choose what is linted with their values, none of the output or exit options
// patchbay sets itself, and `.` when the script names no files or builds them in the shell.
import test from "ava";
import { eslintScriptArgs } from "../actors/checker/index.ts";

test("commander 9.4.1: the files of both eslint commands its lint script runs", (t) => {
  const scripts = {
    lint: "npm run lint:javascript && npm run lint:typescript",
    "lint:javascript": 'eslint index.js esm.mjs "lib/*.js" "tests/**/*.js"',
    "lint:typescript": "eslint typings/*.ts tests/*.ts",
  };
  t.deepEqual(eslintScriptArgs(scripts), {
    options: [],
    targets: ["index.js", "esm.mjs", "lib/*.js", "tests/**/*.js", "typings/*.ts", "tests/*.ts"],
    script: "lint",
  });
});

test("options that choose what is linted are kept with their values; output, fix and exit options are not", (t) => {
  const scripts = {
    eslint:
      "TIMING=1 npx eslint --ext .js,.ts --rule 'no-console: off' --rule eqeqeq:off -f json --max-warnings 0 --fix --cache src",
  };
  t.deepEqual(eslintScriptArgs(scripts), {
    options: ["--ext", ".js,.ts", "--rule", "no-console: off", "--rule", "eqeqeq:off"],
    targets: ["src"],
    script: "eslint",
  });
});

test("the whole tree when the script names no files, runs no eslint, or builds its arguments in the shell", (t) => {
  const everything = { options: [], targets: ["."] };
  t.deepEqual(eslintScriptArgs({ lint: "eslint && npm run lint:md", "lint:md": "eslint docs" }), {
    ...everything,
    script: "lint",
  });
  t.deepEqual(eslintScriptArgs({ lint: "biome lint ." }), everything);
  t.deepEqual(eslintScriptArgs({ lint: "eslint $(git ls-files '*.js')" }), everything);
  t.deepEqual(eslintScriptArgs({}), everything);
});
