/** The migration report: the PR's description, one row per step. */
import type { ApiUse, PlanStep } from "../../../protocol/code-migration.ts";
import { compileLine, testsLine, type MigrationState } from "./migration-state.ts";

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function counts(changes: Record<string, number>): string {
  const parts = Object.entries(changes).map(([codemod, n]) => `${codemod} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

function leftoverLines(leftovers: ApiUse[]): string[] {
  return leftovers.slice(0, 100).map((l) => `- \`${l.file}:${l.line}\` ${l.api}: ${l.message}`);
}

/** Which steps' leftovers went to the model, and the files it changed in each step's commit. */
function modelLines(s: MigrationState, steps: readonly PlanStep[]): string[] {
  const handed = steps.flatMap((step) => {
    const out = s.outputs[step.id];
    if (out?.handed_to_model !== true) return [];
    const files = out.model_files ?? [];
    const changed = files.length > 0 ? files.map((f) => `\`${f}\``).join(", ") : "nothing";
    return [`- \`${step.id}\`: ${out.leftovers.length} leftover(s) handed to the model; it changed ${changed}.`];
  });
  return handed.length > 0 ? ["", "### Leftovers handed to the model (review them)", ...handed] : [];
}

/** The PR description: the analysis, the steps table, the leftovers to finish by hand. */
export function migrationPrBody(s: MigrationState): string {
  const { input, analysis } = s;
  const steps = s.plan?.steps ?? [];
  const rows = steps.map((step, i) => {
    const out = s.outputs[step.id];
    const compiled = compileLine(s.compiles[step.id]);
    const tested = testsLine(s.tests[step.id]) ?? (input.incremental ? "not run" : "at the end");
    const tests = compiled ? `${tested}; ${compiled}` : tested;
    const files = out ? String(out.files_changed.length) : "0";
    const left = out ? String(out.leftovers.length) : "0";
    return `| ${i + 1} | \`${step.id}\` ${cell(step.title)} | ${files} | ${cell(counts(out?.changes ?? {}))} | ${left} | ${cell(tests)} |`;
  });
  const leftovers = steps.flatMap((step) => s.outputs[step.id]?.leftovers ?? []);
  const final = [testsLine(s.tests.final), compileLine(s.compiles.final)].filter(Boolean).join("; ");
  return [
    `Migration **${s.plan?.name ?? input.migration_type}**: ${input.source_version} → ${input.target_version}.`,
    "",
    analysis
      ? `Analysis: ${analysis.files_scanned} files scanned, ${analysis.framework_files.length} use the framework, ${analysis.uses_total} deprecated uses. Tests: \`${analysis.test_command ?? "none found"}\`.`
      : "",
    "",
    "| # | step | files changed | codemod changes | leftovers | tests |",
    "|---|------|---------------|-----------------|-----------|-------|",
    ...rows,
    ...(final ? ["", `Validation at the end: ${final}.`] : []),
    ...modelLines(s, steps),
    "",
    leftovers.length > 0 ? `### Leftovers (${leftovers.length}): to migrate by hand` : "No leftovers.",
    ...leftoverLines(leftovers),
  ].join("\n");
}
