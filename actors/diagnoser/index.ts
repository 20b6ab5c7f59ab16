/** The diagnoser role of incident-swarm: gathering an incident's context, the offline diagnosis methods and the model's. */
export { diagnoseBinding, diagnoserBindings, gatherBinding, groupCausesBinding } from "./handler.ts";
export type { DiagnoserPorts } from "./ports.ts";
