/**
 * patchbay's architecture rules (docs/architecture.md, "Layers"), checked by
 * test/architecture.unit.test.ts and `npm run deps`: no import cycles; layers point one way
 * (protocol ← infra ← actors ← services); the coordinator and each actor are used only through
 * their `index.ts` (tests may also use the coordinator's `internal.ts`).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "an import cycle", from: {}, to: { circular: true } },
    {
      name: "protocol-is-the-bottom",
      severity: "error",
      comment: "protocol/ holds names, schemas and builders only",
      from: { path: "^protocol/" },
      to: { path: "^(infra|actors|services|bench|test)/" },
    },
    {
      name: "infra-below-actors",
      severity: "error",
      comment: "infra/ may use protocol/ only",
      from: { path: "^infra/" },
      to: { path: "^(actors|services|bench|test)/" },
    },
    {
      name: "actors-below-services",
      severity: "error",
      comment: "actors/ may use protocol/ and infra/ only",
      from: { path: "^actors/" },
      to: { path: "^(services|bench|test)/" },
    },
    {
      name: "nothing-imports-tests-or-bench",
      severity: "error",
      from: { path: "^(protocol|infra|actors|services)/" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "coordinator-through-its-index",
      severity: "error",
      comment: "outside services/coordinator/, use services/coordinator/index.ts",
      from: { pathNot: "^(services/coordinator|test)/" },
      to: { path: "^services/coordinator/", pathNot: "^services/coordinator/index\\.ts$" },
    },
    {
      name: "tests-use-coordinator-faces",
      severity: "error",
      comment: "tests use services/coordinator/index.ts or internal.ts",
      from: { path: "^test/" },
      to: { path: "^services/coordinator/", pathNot: "^services/coordinator/(index|internal)\\.ts$" },
    },
    {
      name: "actor-through-its-index",
      severity: "error",
      comment: "outside actors/<role>/, use actors/<role>/index.ts",
      from: { pathNot: "^actors/" },
      to: { path: "^actors/[^/]+/", pathNot: "^actors/[^/]+/index\\.ts$" },
    },
    {
      name: "actors-use-each-other-through-index",
      severity: "error",
      from: { path: "^actors/([^/]+)/" },
      to: { path: "^actors/[^/]+/", pathNot: ["^actors/$1/", "^actors/[^/]+/index\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["node_modules", "^test/fixtures/repos/", "^samples/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"] },
  },
};
