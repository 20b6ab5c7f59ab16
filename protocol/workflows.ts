/**
 * The built-in workflow types and the schema of each one's input, so that clients (the CLI,
 * the gateway) check an input before publishing it without loading the coordinator.
 */
import type { ZodType } from "zod";
import { BenchFanoutInput } from "./bench.ts";
import { MigrationInput } from "./code-migration.ts";
import { CodePatchInput } from "./code-patch.ts";
import { IncidentInput } from "./incident-swarm.ts";
import { PlanPatchInput } from "./plan-patch-pr.ts";
import { QualityGateInput } from "./quality-gate.ts";

/** Workflow type → the schema its start's `input` must satisfy. */
export const WorkflowInputs = {
  "bench-fanout": BenchFanoutInput,
  "code-migration": MigrationInput,
  "code-patch": CodePatchInput,
  "incident-swarm": IncidentInput,
  "plan-patch-pr": PlanPatchInput,
  "quality-gate": QualityGateInput,
} as const satisfies Record<string, ZodType>;

/** A built-in workflow type. */
export type BuiltinWorkflowType = keyof typeof WorkflowInputs;
