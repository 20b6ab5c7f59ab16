// Likely bugs, and const/let over var (both fixed by eslint --fix).
export default [
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module" },
    rules: {
      "no-undef": "error",
      "no-unused-vars": "error",
      "no-unreachable": "error",
      "no-dupe-keys": "error",
      "use-isnan": "error",
      "valid-typeof": "error",
      "prefer-const": "error",
      "no-var": "error",
    },
  },
];
