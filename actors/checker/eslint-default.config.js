// The eslint config patchbay applies to a repository that has none of its own (eslint flat
// config): eslint's recommended rules, plus the auto-fixable `prefer-const` and `no-var`, and
// `eqeqeq` as a warning. Kept small on purpose: an auto-fix must not rewrite code into a style
// the repository never chose (prefer-template's fixer, for one, leaves odd spacing behind).
// TypeScript files are linted when patchbay's typescript-eslint parser is installed.
import js from "@eslint/js";

const parser = await import("@typescript-eslint/parser").then(
  (mod) => mod.default ?? mod,
  () => undefined,
);

const rules = {
  ...js.configs.recommended.rules,
  "no-unused-vars": ["warn", { args: "none", ignoreRestSiblings: true }],
  "prefer-const": "error",
  "no-var": "error",
  eqeqeq: ["warn", "smart"],
};

export default [
  {
    ignores: [
      "**/node_modules/**",
      "coverage/**",
      "dist/**",
      "build/**",
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
      globals: {
        console: "readonly",
        process: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        globalThis: "readonly",
        structuredClone: "readonly",
        performance: "readonly",
        fetch: "readonly",
      },
    },
    rules,
  },
  {
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        exports: "writable",
        __dirname: "readonly",
        __filename: "readonly",
      },
    },
  },
  ...(parser === undefined
    ? []
    : [
        {
          files: ["**/*.{ts,mts,cts,tsx}"],
          languageOptions: { parser, ecmaVersion: "latest", sourceType: "module" },
          rules: { ...rules, "no-unused-vars": "off", "no-redeclare": "off", "no-undef": "off" },
        },
      ]),
];
