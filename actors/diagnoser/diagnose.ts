/** `incident.diagnose`: one diagnoser's answer by its method (docs/incident.md, "Diagnosers"). */
import type { DiagnoseInput } from "../../protocol/incident-swarm.ts";
import type { Diagnosis } from "../../protocol/incident.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { diagnoseChanges } from "./change-correlation.ts";
import { diagnoseLogs } from "./log-clustering.ts";
import { diagnoseSaturation } from "./saturation.ts";

/** Runs `input.method` on the context; `model` is MODEL_NOT_CONFIGURED (model diagnosers are not written yet). */
export function diagnose(input: DiagnoseInput): Diagnosis {
  switch (input.method) {
    case "saturation":
      return diagnoseSaturation(input.agent, input.context);
    case "log-clustering":
      return diagnoseLogs(input.agent, input.context);
    case "change-correlation":
      return diagnoseChanges(input.agent, input.context);
    case "model":
      throw new TerminalError(ErrorCode.ModelNotConfigured, `${input.agent}: no model diagnoser is configured`);
  }
}
