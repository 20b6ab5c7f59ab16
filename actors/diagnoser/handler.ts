/** The diagnoser role's task bindings: gather an incident's context, and diagnose it by one method. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { IncidentTasks } from "../../protocol/incident-swarm.ts";
import { diagnose } from "./diagnose.ts";
import { gatherContext } from "./gather.ts";
import type { DiagnoserPorts } from "./ports.ts";

/** `incident.gather`: the alert's context from its sources and the service repository. */
export function gatherBinding(ports: DiagnoserPorts): TaskBinding {
  return implement(IncidentTasks.gather, (input, ctx) => gatherContext(ports, input, ctx.signal));
}

/** `incident.diagnose`: one diagnosis of the context by the input's method. */
export function diagnoseBinding(ports: DiagnoserPorts): TaskBinding {
  return implement(IncidentTasks.diagnose, (input, ctx) => diagnose(ports, input, ctx.signal));
}

/** Both bindings, as the diagnoser's main serves them. */
export function diagnoserBindings(ports: DiagnoserPorts): TaskBinding[] {
  return [gatherBinding(ports), diagnoseBinding(ports)];
}
