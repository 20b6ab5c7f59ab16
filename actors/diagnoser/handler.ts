/** The diagnoser role's task bindings: gather an incident's context, diagnose it by one method, group equivalent causes. */
import { implement, type TaskBinding } from "../../infra/nats/actor-host.ts";
import { IncidentTasks } from "../../protocol/incident-swarm.ts";
import { diagnose } from "./diagnose.ts";
import { gatherContext } from "./gather.ts";
import { groupCauses } from "./group-causes.ts";
import type { DiagnoserPorts } from "./ports.ts";

/** `incident.gather`: the alert's context from its sources and the service repository. */
export function gatherBinding(ports: DiagnoserPorts): TaskBinding {
  return implement(IncidentTasks.gather, (input, ctx) => gatherContext(ports, input, ctx.signal));
}

/** `incident.diagnose`: one diagnosis of the context by the input's method. */
export function diagnoseBinding(ports: DiagnoserPorts): TaskBinding {
  return implement(IncidentTasks.diagnose, (input, ctx) => diagnose(ports, input, ctx.signal));
}

/** `incident.group-causes`: the model's groups of equivalent causes (MODEL_NOT_CONFIGURED without a model). */
export function groupCausesBinding(ports: DiagnoserPorts): TaskBinding {
  return implement(IncidentTasks.groupCauses, (input, ctx) => groupCauses(ports.model, input, ctx.signal, ports.log));
}

/** Every binding, as the diagnoser's main serves them: gather, diagnose, group-causes. */
export function diagnoserBindings(ports: DiagnoserPorts): TaskBinding[] {
  return [gatherBinding(ports), diagnoseBinding(ports), groupCausesBinding(ports)];
}
