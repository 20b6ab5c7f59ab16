/**
 * The fold of one coordinator step: every input waiting for a workflow, applied in order to
 * its record. The runtime shell folds what its mailbox holds; the test kits fold given inputs
 * with this same function.
 */
import type { SagaRecord } from "../../protocol/saga.ts";
import { applyInput, startSaga } from "./apply.ts";
import type { SagaInput } from "./step.ts";
import type { WorkflowRegistry } from "./registry.ts";

/** What one fold did. */
export interface Folded {
  /** The new record, or undefined when no input changed anything. */
  record: SagaRecord | undefined;
  /** Inputs addressed to a workflow that does not exist (nothing to apply them to). */
  orphans: SagaInput[];
}

/**
 * Applies `inputs` in order to `current` (undefined: no record yet). A start creates the
 * record when there is none and is ignored otherwise; any other input needs a record.
 */
export function foldInputs(
  registry: WorkflowRegistry,
  current: SagaRecord | undefined,
  inputs: readonly SagaInput[],
): Folded {
  let rec = current;
  let changed = false;
  const orphans: SagaInput[] = [];
  for (const input of inputs) {
    if (input.kind === "start") {
      if (rec) continue;
      rec = startSaga(registry, input);
    } else {
      if (!rec) {
        orphans.push(input);
        continue;
      }
      const applied = applyInput(registry, rec, input);
      if (!applied) continue;
      rec = applied;
    }
    changed = true;
  }
  return { record: changed ? rec : undefined, orphans };
}
