/** Every workflow definition the coordinator knows, by type and version, and their task contracts. */
import { contractName, type AnyTaskContract } from "../../protocol/contract.ts";
import { ErrorCode, TerminalError } from "../../protocol/errors.ts";
import type { Role } from "../../protocol/roles.ts";
import type { AnyWorkflow } from "./decider.ts";

const contractsByWorkflow = new WeakMap<AnyWorkflow, Map<string, AnyTaskContract>>();

/** The contracts of `wf` by kind; two contracts of one kind in one workflow are refused. */
function contractsOf(wf: AnyWorkflow): Map<string, AnyTaskContract> {
  let byKind = contractsByWorkflow.get(wf);
  if (byKind) return byKind;
  byKind = new Map();
  for (const c of wf.tasks as readonly AnyTaskContract[]) {
    const other = byKind.get(c.kind);
    if (other && other !== c) {
      throw new TerminalError(
        ErrorCode.ConfigInvalid,
        `${wf.type} v${wf.version} lists two contracts of kind '${c.kind}' (${contractName(other)}, ${contractName(c)})`,
      );
    }
    byKind.set(c.kind, c);
  }
  contractsByWorkflow.set(wf, byKind);
  return byKind;
}

/** The contract of task kind `kind` in `wf`, if `wf` lists it. */
export function taskContract(wf: AnyWorkflow, kind: string): AnyTaskContract | undefined {
  return contractsOf(wf).get(kind);
}

/** Every workflow definition the coordinator knows, by type and version. */
export class WorkflowRegistry {
  readonly #byType = new Map<string, Map<number, AnyWorkflow>>();

  constructor(workflows: AnyWorkflow[] = []) {
    for (const wf of workflows) this.register(wf);
  }

  /** Adds a definition; registering a second version keeps the first for running workflows. */
  register(wf: AnyWorkflow): this {
    contractsOf(wf);
    const versions = this.#byType.get(wf.type) ?? new Map<number, AnyWorkflow>();
    versions.set(wf.version, wf);
    this.#byType.set(wf.type, versions);
    return this;
  }

  /** The given version, or the latest when `version` is undefined. */
  get(type: string, version?: number): AnyWorkflow | undefined {
    const versions = this.#byType.get(type);
    if (!versions) return undefined;
    if (version !== undefined) return versions.get(version);
    return versions.get(Math.max(...versions.keys()));
  }

  /** Every registered type. */
  types(): string[] {
    return [...this.#byType.keys()];
  }

  /** Every registered definition, all versions. */
  all(): AnyWorkflow[] {
    return [...this.#byType.values()].flatMap((versions) => [...versions.values()]);
  }

  /** Each role some registered workflow dispatches to, with the workflow types that need it. */
  roles(): Map<Role, string[]> {
    const roles = new Map<Role, string[]>();
    for (const wf of this.all()) {
      for (const c of wf.tasks as readonly AnyTaskContract[]) {
        const types = roles.get(c.role) ?? [];
        if (!types.includes(wf.type)) types.push(wf.type);
        roles.set(c.role, types);
      }
    }
    return roles;
  }
}
