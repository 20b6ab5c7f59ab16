// The eslint config patchbay applies to a repository that has none of its own (eslint 9+
// flat config, core rules only, so it needs no plugin). A handful of the rules are auto-fixable
// (prefer-const, no-var, curly, object-shorthand, prefer-template, no-extra-boolean-cast,
// dot-notation), so `eslint --fix` has something to do. TypeScript files are linted when
// patchbay's typescript-eslint parser is installed, else left out.

const parser = await import("@typescript-eslint/parser").then((mod) => mod.default ?? mod, () => undefined);

const rules = {
  // problems
  "no-dupe-keys": "error",
  "no-duplicate-case": "error",
  "no-unreachable": "error",
  "no-self-assign": "error",
  "no-self-compare": "error",
  "no-constant-condition": "error",
  "no-empty": "error",
  "no-debugger": "error",
  "no-fallthrough": "error",
  "no-redeclare": "error",
  "no-cond-assign": "error",
  "no-unsafe-finally": "error",
  "no-unused-vars": ["warn", { args: "none", ignoreRestSiblings: true }],
  eqeqeq: ["warn", "smart"],
  // fixable style
  "prefer-const": "error",
  "no-var": "error",
  curly: ["error", "multi-line"],
  "object-shorthand": ["warn", "always"],
  "prefer-template": "warn",
  "no-extra-boolean-cast": "error",
  "dot-notation": "warn",
};

export default [
  { ignores: ["**/node_modules/**", "coverage/**", "dist/**", "build/**", "**/*.min.js", ".patchbay-home/**", ".patchbay-tmp/**"] },
  {
    files: ["**/*.{js,mjs,cjs,jsx}"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module", parserOptions: { ecmaFeatures: { jsx: true } } },
    rules,
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
  ...(parser === undefined
    ? []
    : [{ files: ["**/*.{ts,mts,cts,tsx}"], languageOptions: { parser, ecmaVersion: "latest", sourceType: "module" }, rules: { ...rules, "no-unused-vars": "off", "no-redeclare": "off" } }]),
];
