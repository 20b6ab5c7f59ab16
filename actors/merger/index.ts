export { reportBinding, resolveBinding } from "./handler.ts";
export type { MergerPorts } from "./handler.ts";
export { GATE_COMMENT_KEY, GATE_STATUS_CONTEXT, gateComment, gateStatus } from "./report.ts";
