/** `incident.diagnose`: one diagnoser's answer by its method (docs/incident.md, "Diagnosers"). */
import type { DiagnoseInput } from "../../protocol/incident-swarm.ts";
import type { Diagnosis } from "../../protocol/incident.ts";
import { diagnoseChanges } from "./change-correlation.ts";
import { diagnoseLogs } from "./log-clustering.ts";
import { diagnoseByModel } from "./model-diagnosis.ts";
import type { DiagnoserPorts } from "./ports.ts";
import { diagnoseSaturation } from "./saturation.ts";

/** Runs `input.method` on the context; `model` asks the ports' model (MODEL_NOT_CONFIGURED without one). */
export async function diagnose(ports: DiagnoserPorts, input: DiagnoseInput, signal: AbortSignal): Promise<Diagnosis> {
  switch (input.method) {
    case "saturation":
      return diagnoseSaturation(input.agent, input.context);
    case "log-clustering":
      return diagnoseLogs(input.agent, input.context);
    case "change-correlation":
      return diagnoseChanges(input.agent, input.context);
    case "model":
      return diagnoseByModel(ports.model, input, signal, ports.log);
  }
}
