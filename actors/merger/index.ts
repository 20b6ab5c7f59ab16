export { reportBinding, resolveBinding } from "./handler.ts";
export type { MergerPorts } from "./handler.ts";
export { GATE_COMMENT_KEY, GATE_STATUS_CONTEXT, gateComment, gateStatus } from "./report.ts";
export {
  mergeBinding,
  migrationPrBinding,
  openIssueBinding,
  openPrBinding,
  planMergeBinding,
  planPrBinding,
  taskMarker,
} from "./incident-forge.ts";
export { cleanupBinding } from "./cleanup.ts";
export type { CleanupPorts } from "./cleanup.ts";
export { integrateBinding, runIntegrate } from "./integrate.ts";
export type { IntegratePorts, IntegrateTask } from "./integrate.ts";
export { postmortemBinding, postmortemPath } from "./postmortem.ts";
export { ROLLBACK_LABEL, revertBinding, revertBranch } from "./revert.ts";
