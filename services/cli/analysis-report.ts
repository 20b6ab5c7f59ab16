/** `show <id> --report`: a code-migration's analysis, as lines. */
import type { AnalysisReport } from "../../protocol/code-migration.ts";

const MAX_USES = 200;

/** The report's summary, its counts per API, then every use as `file:line api: message`. */
export function analysisReportLines(report: AnalysisReport): string[] {
  const counts = Object.entries(report.by_api).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = [
    `analysis of ${report.base_sha.slice(0, 12)}: ${report.files_scanned} files in ${Math.round(report.duration_ms)} ms, ` +
      `${report.framework_files.length} use the framework, ${report.uses_total} deprecated uses`,
    `tests: ${report.test_command ?? "none found"}; package manager: ${report.package_manager ?? "none found"}`,
    ...counts.map(([api, n]) => `  ${String(n).padStart(5)}  ${api}`),
    ...report.uses.slice(0, MAX_USES).map((u) => `${u.file}:${u.line} ${u.api}: ${u.message}`),
  ];
  if (report.uses.length > MAX_USES) lines.push(`… ${report.uses.length - MAX_USES} more (--json prints them all)`);
  return lines;
}
