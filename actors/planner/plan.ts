/**
 * The planner's `migration.plan` task: the built-in plan of a migration type (plans/*.json,
 * the same format a user's custom plan has), without the steps whose APIs the analysis did
 * not find; or the user's plan, checked against the schema and the codemods that exist.
 */
import { readFileSync } from "node:fs";
import type { CodemodRegistry } from "../../infra/codemods/registry.ts";
import type { ModelClient } from "../../infra/llm/client.ts";
import { MigrationPlan, type MigrationType, type PlanInput } from "../../protocol/code-migration.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";

/** What the planner needs: the codemods that exist, and its model. */
export interface PlannerPorts {
  codemods: CodemodRegistry;
  /** The planner's model; undefined when none is configured (`plan.issues` fails MODEL_NOT_CONFIGURED). */
  model?: ModelClient;
}

function builtinPlan(type: Exclude<MigrationType, "custom">): MigrationPlan {
  const text = readFileSync(new URL(`./plans/${type}.json`, import.meta.url), "utf8");
  return MigrationPlan.parse(JSON.parse(text));
}

function invalidPlan(message: string): TerminalError {
  return new TerminalError(ErrorCode.InvalidPlan, message);
}

function parsePlan(given: PlanInput["plan"]): MigrationPlan {
  let value: unknown = given;
  if (typeof given === "string") {
    try {
      value = JSON.parse(given);
    } catch (err) {
      throw invalidPlan(`the plan file is not JSON: ${(err as Error).message}`);
    }
  }
  const parsed = MigrationPlan.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidPlan(`${issue?.path.join(".") || "plan"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function checkCodemods(plan: MigrationPlan, codemods: CodemodRegistry): void {
  const unknown = plan.steps.flatMap((s) => s.codemods.filter((id) => codemods.get(id) === undefined));
  if (unknown.length > 0)
    throw invalidPlan(`unknown codemod(s) ${[...new Set(unknown)].join(", ")} (known: ${codemods.ids().join(", ")})`);
}

/** Whether the analysis found `api` (an entry ending in `*` matches every API it starts). */
function found(byApi: Record<string, number>, api: string): boolean {
  if (!api.endsWith("*")) return (byApi[api] ?? 0) > 0;
  const prefix = api.slice(0, -1);
  return Object.entries(byApi).some(([name, n]) => name.startsWith(prefix) && n > 0);
}

/** The plan for `input`; INVALID_PLAN for a plan that cannot run. */
export function planMigration(ports: PlannerPorts, input: PlanInput): MigrationPlan {
  if (input.migration_type === "custom" && input.plan === undefined)
    throw invalidPlan("a custom migration needs a plan, inline or as a file in the repository");
  const plan = input.plan !== undefined ? parsePlan(input.plan) : builtinPlan(input.migration_type as "react-upgrade");
  checkCodemods(plan, ports.codemods);
  if (input.plan !== undefined) return plan;
  const steps = plan.steps.filter((s) => s.apis === undefined || s.apis.some((api) => found(input.by_api, api)));
  if (steps.length === 0) throw invalidPlan("the analysis found nothing to migrate");
  return { ...plan, steps };
}
