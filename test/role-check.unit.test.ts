// Proves the start-up check of `up` and the demo: every role a registered workflow dispatches
// to must have a Procfile line (and not be scaled to 0), else ROLE_MISSING names the role, the
// workflows that need it and the line to add; the shipped Procfile runs every role the
// built-in workflows need.
import test from "ava";
import { join } from "node:path";
import { ErrorCode } from "../protocol/errors.ts";
import { WorkflowRegistry, builtinWorkflows } from "../services/coordinator/index.ts";
import { assertEveryRoleRuns, rolesWithoutProcess } from "../services/cli/role-check.ts";
import { readProcfile } from "../services/cli/supervisor.ts";
import { toyGreetings } from "./fixtures/toy/workflow.ts";
import { ROOT } from "./helpers/processes.ts";

const procfile = readProcfile(ROOT);

test("the shipped Procfile runs every role the built-in workflows dispatch to", (t) => {
  const needed = new WorkflowRegistry(builtinWorkflows).roles();
  t.deepEqual([...needed.keys()].sort(), ["architect", "checker", "coder", "diagnoser", "merger", "planner"]);
  t.deepEqual(rolesWithoutProcess(needed, procfile, new Map()), []);
  t.notThrows(() => assertEveryRoleRuns(needed, procfile));
});

test("a workflow whose role has no Procfile line is named with the line to add", (t) => {
  const needed = new WorkflowRegistry([...builtinWorkflows, toyGreetings]).roles();
  const err = t.throws(() => assertEveryRoleRuns(needed, procfile));
  t.is((err as { code?: string }).code, ErrorCode.RoleMissing);
  t.is(
    err?.message,
    `role 'greeter' (needed by toy-greetings) has no Procfile line; add "greeter: node services/greeter/main.ts"`,
  );
});

test("a needed role scaled to 0 is refused; other roles may be", (t) => {
  const needed = new WorkflowRegistry(builtinWorkflows).roles();
  const err = t.throws(() => assertEveryRoleRuns(needed, procfile, new Map([["coder", 0]])));
  t.regex(
    err?.message ?? "",
    /^role 'coder' \(needed by quality-gate, code-patch, incident-swarm, code-migration, plan-patch-pr\) is scaled to 0$/,
  );
  t.notThrows(() => assertEveryRoleRuns(needed, procfile, new Map([["gateway", 0]])));
  t.true(procfile.every((s) => s.script.startsWith(join(ROOT, "services"))));
});
