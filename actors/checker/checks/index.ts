/**
 * The eight checks and what each needs before it runs.
 */
import type { CheckId } from "../../../protocol/quality-gate.ts";
import type { CheckContext } from "../context.ts";
import type { CheckFindings } from "../ports.ts";
import type { Project } from "../project.ts";
import { coverage } from "./coverage.ts";
import { dependencies } from "./dependencies.ts";
import { integrationTests, noIntegrationTests } from "./integration-tests.ts";
import { lint } from "./lint.ts";
import { noBenchmark, performance } from "./performance.ts";
import { security } from "./security.ts";
import { staticAnalysis } from "./static-analysis.ts";
import { unitTests } from "./unit-tests.ts";

/** One check. */
export interface CheckDefinition {
  /**
   * `required`: a failed install fails the check; `optional`: the check runs anyway (lint
   * with the repo's plugins, npm audit); `none`: nothing is installed.
   */
  install: "required" | "optional" | "none";
  /**
   * Why the repository has nothing for this check, told from its files alone, so that the
   * check is "not applicable" before anything is installed; undefined when it applies.
   */
  applies?(project: Project): string | undefined;
  run(ctx: CheckContext): Promise<CheckFindings>;
}

/** Every check by id. */
export const CHECKS: Record<CheckId, CheckDefinition> = {
  unit_tests: { install: "required", run: unitTests },
  integration_tests: { install: "required", applies: noIntegrationTests, run: integrationTests },
  lint: { install: "optional", run: lint },
  security: { install: "optional", run: security },
  coverage: { install: "required", run: coverage },
  performance: { install: "required", applies: noBenchmark, run: performance },
  dependencies: { install: "optional", run: dependencies },
  static_analysis: { install: "none", run: staticAnalysis },
};
