/**
 * The `model` method (docs/incident.md, "Diagnosers"): the diagnoser's model is asked for a
 * structured diagnosis of the context with the agent's focus (model-prompt.ts); its confidence
 * is capped by the evidence that quotes the context (model-evidence.ts); a known category is
 * reported in the catalogue's words (causes.ts) so that the consensus groups it with the
 * methods that agree, the model's own words kept as the first evidence line; its usage is
 * reported for the workflow's total.
 */
import { z } from "zod";
import type { ModelClient } from "../../infra/llm/client.ts";
import { structured } from "../../infra/llm/structured.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import { CauseCategory, type Diagnosis } from "../../protocol/incident.ts";
import type { DiagnoseInput } from "../../protocol/incident-swarm.ts";
import { diagnosisOf, noEvidence } from "./causes.ts";
import { boundedConfidence, groundedCount } from "./model-evidence.ts";
import { modelMessages } from "./model-prompt.ts";

/** What the model answers (strict structured output: every field required). */
const ModelDiagnosis = z.object({
  root_cause: z.string(),
  category: CauseCategory,
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
});

/** Evidence items kept, and characters kept of each. */
const MAX_EVIDENCE = 8;
const EVIDENCE_CHARS = 300;

/** Asks `model` for `input.agent`'s diagnosis; MODEL_NOT_CONFIGURED without a model. */
export async function diagnoseByModel(
  model: ModelClient | undefined,
  input: DiagnoseInput,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<Diagnosis> {
  const { agent, context } = input;
  if (model === undefined)
    throw new TerminalError(
      ErrorCode.ModelNotConfigured,
      `${agent}: the diagnoser has no model: set PATCHBAY_MODEL_URL and PATCHBAY_MODEL or PATCHBAY_MODEL_DIAGNOSER (README, Use a real model)`,
    );
  const answer = await structured(model, {
    schema: ModelDiagnosis,
    name: "diagnosis",
    messages: modelMessages(agent, context),
    signal,
  });
  const { category, confidence: claimed, root_cause } = answer.value;
  const evidence = answer.value.evidence.slice(0, MAX_EVIDENCE).map((e) => e.slice(0, EVIDENCE_CHARS));
  const grounded = groundedCount(evidence, context);
  const confidence = boundedConfidence(claimed, grounded);
  log(`${agent}: the model says ${category}, confidence ${claimed} claimed, ${grounded} grounded → ${confidence}`);
  if (category === "unknown") return { ...noEvidence(agent, "model", evidence), usage: answer.usage };
  const words = `the model's words: ${root_cause.slice(0, EVIDENCE_CHARS)}`;
  return { ...diagnosisOf(agent, "model", category, confidence, [words, ...evidence]), usage: answer.usage };
}
