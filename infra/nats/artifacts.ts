/**
 * The `artifacts` object store: reports, transcripts and logs a task keeps for later, named
 * by the workflow and task they belong to. Names are `<kind>/<workflow>/<run>/<task>`.
 */
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { Bucket } from "../../protocol/subjects.ts";

/** Reads and writes artifacts. */
export interface ArtifactStore {
  /** Stores `text` under `name` (replacing an earlier one); returns the name. */
  put(name: string, text: string): Promise<string>;
  /** The text under `name`, or undefined. */
  get(name: string): Promise<string | undefined>;
}

/** The artifact name of a task's transcript. */
export function transcriptName(workflowId: string, run: number, taskId: string): string {
  return `transcripts/${workflowId}/${run}/${taskId}.json`;
}

/** The artifact name of a workflow run's analysis report (code-migration's architect). */
export function reportName(workflowId: string, run: number): string {
  return `reports/${workflowId}/${run}/analysis.json`;
}

/** The artifact name of a workflow run's design (plan-patch-pr's architect). */
export function designName(workflowId: string, run: number): string {
  return `designs/${workflowId}/${run}/design.json`;
}

/** The `artifacts` store on `nc` (provisioned by every process's provisioning run). */
export async function openArtifacts(nc: NatsConnection): Promise<ArtifactStore> {
  const store = await new Objm(nc).open(Bucket.Artifacts);
  return {
    async put(name, text) {
      await store.putBlob({ name }, new TextEncoder().encode(text));
      return name;
    },
    async get(name) {
      const blob = await store.getBlob(name);
      return blob === null ? undefined : new TextDecoder().decode(blob);
    },
  };
}
