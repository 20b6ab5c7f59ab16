/**
 * Unit tests: the `test:unit` script, else `test` (Node); pytest or unittest discovery
 * (Python). A repository without a unit test command fails this check.
 */
import type { CheckContext } from "../context.ts";
import { failed, unavailable } from "../findings.ts";
import type { CheckFindings } from "../ports.ts";
import { unitTestSpec } from "../project.ts";
import { runSuite } from "./suite.ts";

/** Runs the unit test suite. */
export async function unitTests(ctx: CheckContext): Promise<CheckFindings> {
  const { project } = ctx.head;
  if (project.kind === "unknown")
    return unavailable("not a Node or Python repository (no package.json, no Python files)");
  const spec = await unitTestSpec(project);
  if (spec === undefined) {
    return failed(
      {
        severity: "high",
        message: "No unit test command: add a `test:unit` or `test` script to package.json",
        rule: "no-test-command",
      },
      { passed: 0, failed: 0, total: 0 },
    );
  }
  return runSuite(ctx, spec);
}
