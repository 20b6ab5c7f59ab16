/** The built-in workflow definitions. */
import type { AnyWorkflow } from "../decider.ts";
import { benchFanout } from "./bench-fanout.ts";
import { codeMigration } from "./code-migration.ts";
import { codePatch } from "./code-patch.ts";
import { planPatchPr } from "./plan-patch-pr.ts";
import { incidentSwarm } from "./incident-swarm.ts";
import { qualityGate } from "./quality-gate.ts";

/** Every workflow the coordinator runs by default. */
export const builtinWorkflows: AnyWorkflow[] = [
  benchFanout,
  qualityGate,
  codePatch,
  incidentSwarm,
  codeMigration,
  planPatchPr,
];
