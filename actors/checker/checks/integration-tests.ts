/**
 * Integration tests: the `test:integration` script, else a `test/integration` or
 * `tests/integration` folder (node --test, pytest or unittest on it); skipped when the
 * repository has none.
 */
import type { CheckContext } from "../context.ts";
import { notApplicable, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { integrationTestSpec } from "../project.ts";
import type { Project } from "../project.ts";
import { runSuite } from "./suite.ts";

/** Why a Node or Python repository has no integration tests; undefined when it has some. */
export function noIntegrationTests(project: Project): string | undefined {
  if (project.kind === "unknown" || integrationTestSpec(project) !== undefined) return undefined;
  return "no integration tests (no test:integration script, no test/integration or tests/integration folder)";
}

/** Runs the integration test suite, if the repository has one. */
export async function integrationTests(ctx: CheckContext): Promise<CheckFindings> {
  const { project } = ctx.head;
  if (project.kind === "unknown")
    return unavailable("not a Node or Python repository (no package.json, no Python files)");
  const spec = integrationTestSpec(project);
  if (spec === undefined) return notApplicable(noIntegrationTests(project) ?? "no integration tests");
  return runSuite(ctx, spec);
}
