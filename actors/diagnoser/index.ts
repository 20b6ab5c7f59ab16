/** The diagnoser role of incident-swarm: gathering an incident's context and the offline diagnosis methods. */
export { diagnoseBinding, diagnoserBindings, gatherBinding } from "./handler.ts";
export type { DiagnoserPorts } from "./ports.ts";
