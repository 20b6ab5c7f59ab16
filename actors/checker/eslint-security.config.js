// The eslint config of the security check: eslint-plugin-security's rules only, on every
// JavaScript and TypeScript file given (the check passes the non-test sources explicitly),
// whatever the repository's own eslint setup. Every rule reports as a warning; the check maps
// each rule to a severity of its own (actors/checker/checks/security-eslint.ts).
// `detect-object-injection` is off: it flags every `obj[key]`, nearly always wrongly.
import security from "eslint-plugin-security";

const parser = await import("@typescript-eslint/parser").then(
  (mod) => mod.default ?? mod,
  () => undefined,
);

const rules = { ...security.configs.recommended.rules, "security/detect-object-injection": "off" };

export default [
  { ignores: ["**/node_modules/**", ".patchbay-home/**", ".patchbay-tmp/**"] },
  {
    files: ["**/*.{js,mjs,cjs,jsx}"],
    plugins: { security },
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    rules,
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
  ...(parser === undefined
    ? []
    : [
        {
          files: ["**/*.{ts,mts,cts,tsx}"],
          plugins: { security },
          languageOptions: { parser, ecmaVersion: "latest", sourceType: "module" },
          rules,
        },
      ]),
];
