/** incident-swarm's state and the contracts it dispatches (shared by its evolve and decide). */
import type { ErrorInfo } from "../../../protocol/errors.ts";
import type { Consensus, Diagnosis, IncidentContext } from "../../../protocol/incident.ts";
import type { FixOutput, IncidentInput, IncidentTasks } from "../../../protocol/incident-swarm.ts";
import type { GateTasks } from "../../../protocol/quality-gate.ts";
import type { TimelineEntry } from "./incident-texts.ts";

/** The contracts incident-swarm dispatches. */
export type IncidentTask = (typeof IncidentTasks)[keyof typeof IncidentTasks] | typeof GateTasks.check;

/** State: what is known so far, in the order it was learnt. */
export interface IncidentState {
  input: IncidentInput;
  id: string;
  started_at: number;
  timeline: TimelineEntry[];
  context?: IncidentContext;
  agents: string[];
  diagnoses: Diagnosis[];
  missing: string[];
  /** Equivalent causes: `asked` of the model (model_equivalence), then grouped by the `model` or, when it failed, the `rules`. */
  grouping?: "asked" | "model" | "rules";
  consensus?: Consensus;
  fix?: FixOutput;
  manual_reason?: string;
  pr?: { number: number; url: string };
  issue?: { number: number; url: string };
  /** The hotfix PR's approval: `auto` for an auto-merged severity. */
  approval?: "waiting" | "approved" | "rejected" | "timed_out" | "auto";
  /** What the current signal or timer event started (set by evolve on the transition only). */
  trigger?: "merge" | "postmortem";
  merge_sha?: string;
  /** The verification failed after the merge: the merge is to be reverted. */
  revert_needed?: boolean;
  /** How the merge was reverted (set once the revert is done). */
  rollback?: string;
  postmortem_url?: string | null;
  failure?: ErrorInfo;
}
