/**
 * The incident-swarm workflow's contracts: its input, the tasks it sends to the diagnoser,
 * coder, checker and merger roles, and its result (the seed's IncidentResult, snake_case,
 * with the diagnoses).
 */
import { z } from "zod";
import { defineTask } from "./contract.ts";
import {
  Alert,
  Consensus,
  Diagnosis,
  DiagnosisMethod,
  IncidentContext,
  IncidentSources,
  Severity,
} from "./incident.ts";
import { Usage } from "./usage.ts";

/** Input of `workflow.start.incident-swarm`. */
export const IncidentInput = z.object({
  alert: Alert,
  /** The service repository (an absolute path or a git URL). */
  repo: z.string().min(1),
  base: z.string().min(1).default("main"),
  num_diagnostic_agents: z.number().int().min(1).max(8).default(3),
  /** Agents diagnosing with the `model` method, after the offline ones (agent-<n> onwards). */
  model_diagnosers: z.number().int().min(0).max(4).default(0),
  /**
   * Whether the diagnoser's model judges which causes are equivalent (`incident.group-causes`)
   * before the consensus; off, or when the model fails, causes are grouped by category and
   * normalised cause.
   */
  model_equivalence: z.boolean().default(false),
  auto_fix: z.boolean().default(true),
  confidence_threshold: z.number().min(0).max(1).default(0.7),
  sources: IncidentSources.optional(),
  /** Severities whose hotfix is merged without waiting for an `approve` signal. */
  auto_merge_severities: z.array(Severity).default([]),
  /** How long a hotfix PR waits for `approve` (or `reject`) before it is left open. */
  approval_timeout_ms: z.number().int().min(1_000).default(86_400_000),
});
export type IncidentInput = z.infer<typeof IncidentInput>;

/** What the diagnoser's gather task is asked. */
export const GatherInput = z.object({
  alert: Alert,
  repo: z.string().min(1),
  base: z.string().min(1),
  sources: IncidentSources,
});
export type GatherInput = z.infer<typeof GatherInput>;

/** What one diagnoser is asked: its name, its method and the context. */
export const DiagnoseInput = z.object({ agent: z.string().min(1), method: DiagnosisMethod, context: IncidentContext });
export type DiagnoseInput = z.infer<typeof DiagnoseInput>;

/** Agents whose causes are one and the same, with the model's reason. */
export const CauseGroup = z.object({ agents: z.array(z.string().min(1)).min(1), reason: z.string() });
export type CauseGroup = z.infer<typeof CauseGroup>;

/** What the diagnoser's model is asked to group: the diagnoses that answered a cause. */
export const GroupCausesInput = z.object({ alert: Alert, diagnoses: z.array(Diagnosis).min(2) });
export type GroupCausesInput = z.infer<typeof GroupCausesInput>;

/** The groups of equivalent causes: a partition of the agents given, and what the model's requests cost. */
export const GroupCausesOutput = z.object({ groups: z.array(CauseGroup).min(1), usage: Usage.optional() });
export type GroupCausesOutput = z.infer<typeof GroupCausesOutput>;

/** One setting the fix changed. */
export const SettingChange = z.object({ file: z.string(), setting: z.string(), from: z.string(), to: z.string() });
export type SettingChange = z.infer<typeof SettingChange>;

/** What the coder's fix task is asked: a branch from `base` with the remediation for the consensus. */
export const FixInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  branch: z.string().min(1),
  alert: Alert,
  consensus: Consensus,
  diagnoses: z.array(Diagnosis),
  context: IncidentContext,
});
export type FixInput = z.infer<typeof FixInput>;

/** The fix: one commit on `branch` with the setting changes, an alert rule and a runbook. */
export const FixOutput = z.object({
  branch: z.string(),
  base_sha: z.string(),
  commit_sha: z.string(),
  files_changed: z.array(z.string()),
  changes: z.array(SettingChange),
  /** The file holding the new alert rule (Prometheus rule format). */
  monitoring: z.string(),
  /** The runbook added or updated under docs/runbooks/. */
  runbook: z.string(),
  /** One paragraph: what was changed and why. */
  summary: z.string(),
  /** What the coding agent's requests cost, when the model wrote the fix (beyond the catalogue). */
  usage: Usage.optional(),
  /** The agent's transcript in the `artifacts` store, when the model wrote the fix. */
  transcript: z.string().optional(),
});
export type FixOutput = z.infer<typeof FixOutput>;

/** A pull request or issue the merger opened. */
export const ForgeRef = z.object({ number: z.number().int().positive(), url: z.string() });

/** What the merger opens a hotfix PR with. */
export const OpenPrInput = z.object({
  repo: z.string().min(1),
  head: z.string().min(1),
  base: z.string().min(1),
  title: z.string().min(1),
  body: z.string(),
  labels: z.array(z.string()),
});

/** What the merger opens the manual issue with. */
export const OpenIssueInput = z.object({
  repo: z.string().min(1),
  title: z.string().min(1),
  body: z.string(),
  labels: z.array(z.string()),
});

/** The postmortem to commit: `docs/postmortems/<alert id>.md` on `branch` from `base`. */
export const PostmortemInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  branch: z.string().min(1),
  alert_id: z.string().min(1),
  markdown: z.string().min(1),
});
export const PostmortemOutput = z.object({
  path: z.string(),
  branch: z.string(),
  commit_sha: z.string(),
  /** The gateway's page of the file. */
  url: z.string(),
});

/** Merge the hotfix PR. */
export const MergeInput = z.object({ repo: z.string().min(1), number: z.number().int().positive() });
export const MergeOutput = z.object({ merge_commit_sha: z.string() });

/** Run the repository's verification command (`"patchbay": {"verify": "…"}`) on `ref`. */
export const VerifyInput = z.object({
  repo: z.string().min(1),
  ref: z.string().min(1),
  timeout_ms: z.number().int().positive().default(300_000),
});
export const VerifyOutput = z.object({
  /** False when the repository declares no verification command (then nothing is rolled back). */
  declared: z.boolean(),
  command: z.string().optional(),
  passed: z.boolean(),
  exit_code: z.number().int().nullable(),
  tail: z.string(),
});

/** Revert a merged hotfix with a revert commit and a PR (merged at once: a rollback does not wait). */
export const RevertInput = z.object({
  repo: z.string().min(1),
  base: z.string().min(1),
  merge_commit_sha: z.string().min(1),
  alert_id: z.string().min(1),
  reason: z.string(),
});
export const RevertOutput = z.object({
  number: z.number().int().positive(),
  url: z.string(),
  revert_commit_sha: z.string(),
});

/** The contracts of incident-swarm. */
export const IncidentTasks = {
  gather: defineTask({ role: "diagnoser", kind: "incident.gather", input: GatherInput, output: IncidentContext }),
  diagnose: defineTask({ role: "diagnoser", kind: "incident.diagnose", input: DiagnoseInput, output: Diagnosis }),
  groupCauses: defineTask({
    role: "diagnoser",
    kind: "incident.group-causes",
    input: GroupCausesInput,
    output: GroupCausesOutput,
  }),
  fix: defineTask({ role: "coder", kind: "incident.fix", input: FixInput, output: FixOutput }),
  openPr: defineTask({ role: "merger", kind: "incident.open-pr", input: OpenPrInput, output: ForgeRef }),
  openIssue: defineTask({ role: "merger", kind: "incident.open-issue", input: OpenIssueInput, output: ForgeRef }),
  postmortem: defineTask({
    role: "merger",
    kind: "incident.postmortem",
    input: PostmortemInput,
    output: PostmortemOutput,
  }),
  merge: defineTask({ role: "merger", kind: "incident.merge", input: MergeInput, output: MergeOutput }),
  verify: defineTask({ role: "checker", kind: "incident.verify", input: VerifyInput, output: VerifyOutput }),
  revert: defineTask({ role: "merger", kind: "incident.revert", input: RevertInput, output: RevertOutput }),
};

/** The result of incident-swarm (the seed's IncidentResult, with the diagnoses and what was opened). */
export const IncidentResult = z.object({
  alert_id: z.string(),
  consensus: Consensus,
  diagnoses: z.array(Diagnosis),
  fix_applied: z.boolean(),
  hotfix_pr_url: z.string().nullable(),
  issue_url: z.string().nullable(),
  postmortem_url: z.string().nullable(),
  merged: z.boolean(),
  resolution_time_minutes: z.number(),
  rollback_performed: z.boolean(),
});
export type IncidentResult = z.infer<typeof IncidentResult>;
