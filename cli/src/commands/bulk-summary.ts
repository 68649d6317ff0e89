import { createInterface } from "node:readline/promises";
import type { PlanSummary } from "../bulk/plan.js";
import { plural } from "../bulk/progress.js";
import type { BulkCommandOptions, BulkSummary } from "../bulk/run.js";
import type { Cli } from "../context.js";
import { EXIT_BULK_FAILURES } from "../exit-codes.js";
import { describeFailure } from "../failure.js";
import { printResult } from "../output.js";

// Enough failures to see the pattern; the report holds them all.
const FAILURES_SHOWN = 20;

const at = (row: { row: number; line?: number | undefined }) => `data row ${row.row}${row.line === undefined ? "" : ` (line ${row.line})`}`;

/** Asks on the terminal before a bulk run sends anything; true to go on. */
export async function confirmInTerminal(
  stdin: NodeJS.ReadableStream,
  stderr: NodeJS.WritableStream,
  path: string,
  file: string,
  rows: number | undefined,
): Promise<boolean> {
  const prompt = createInterface({ input: stdin, output: stderr });
  try {
    const what = rows === undefined ? `the rows of ${file}` : `${plural(rows, "row")} of ${file}`;
    const answer = await prompt.question(`${path}: send ${what} to Partner Center? [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}

/** Prints a bulk run's summary (stdout) and any warning about its report (stderr). */
export function printSummary(
  cli: Cli,
  json: boolean | undefined,
  path: string,
  flags: Pick<BulkCommandOptions, "report" | "onlyFailed" | "dryRun">,
  summary: BulkSummary,
): void {
  const { report } = summary;
  if (report?.fallback)
    cli.io.stderr.write(
      `warning: could not write the report to ${report.fallback.asked} (${report.fallback.reason}); saved it to ${report.path}\n`,
    );
  if (summary.inputError) cli.io.stderr.write(`error: ${describeFailure(summary.inputError).line}\n`);
  const { failures, inputError, report: _, ...counts } = summary;
  printResult(
    cli.io,
    json,
    { ...counts, report: report?.path ?? null, ...(inputError && { inputError: inputError.message }), failures },
    () => summaryText(path, flags, summary),
  );
}

function summaryText(
  path: string,
  { report, onlyFailed, dryRun }: Pick<BulkCommandOptions, "report" | "onlyFailed" | "dryRun">,
  summary: BulkSummary,
): string {
  if (summary.cancelled) return `${path} ${summary.file}: cancelled; nothing was sent.`;
  const parts = dryRun
    ? [`${summary.wouldSend} would be sent`, `${summary.failed} refused`]
    : [`${summary.ok} ok`, `${summary.failed} failed`];
  if (summary.interrupted || summary.interruptedInFlight > 0) parts.push(`${summary.interruptedInFlight} interrupted in flight`);
  if (summary.interrupted || summary.notSent > 0) parts.push(`${summary.notSent} not sent`);
  const why = onlyFailed ? "not marked failed" : "ok in an earlier run";
  const earlier = [
    summary.skipped > 0 ? `${summary.skipped} skipped (${why})` : "",
    summary.resumed > 0 ? `${summary.resumed} finished by the unfinished run resumed` : "",
  ].filter(Boolean);
  const lines = [`${path} ${summary.file}: ${plural(summary.rows, "row")}: ${[...parts, ...earlier].join(", ")}`];
  const failed = summary.failures;
  if (failed.length > 0)
    lines.push(
      dryRun ? "Refused rows:" : "Failed rows:",
      ...failed
        .slice(0, FAILURES_SHOWN)
        .map((row) => `  ${at(row)}: ${row.errorClass}${row.code ? ` (code ${row.code})` : ""}: ${row.message}`),
    );
  if (summary.failed > FAILURES_SHOWN) lines.push(`  ... and ${summary.failed - FAILURES_SHOWN} more${report ? " (see the report)" : ""}`);
  if (summary.interrupted)
    lines.push(
      `Interrupted: ${plural(summary.interruptedInFlight, "row")} in flight may have been applied (status interrupted, MS-RequestId kept); ${plural(summary.notSent, "row")} not sent (status not-sent).`,
    );
  if (summary.report) lines.push(`Report: ${summary.report.path}`);
  if (report && (summary.interrupted || summary.inputError))
    lines.push(
      `Resume (sends only the unfinished rows, each under the MS-RequestId it was first sent with): partner-center ${path} ${summary.file}${onlyFailed ? " --only-failed" : ""} --report ${report}`,
    );
  else if (report && summary.failed > 0 && !dryRun)
    lines.push(`Re-run the failed rows: partner-center ${path} ${report} --only-failed --report ${report}`);
  return lines.join("\n");
}

/** Prints a plan's summary; the exit code is 1 when any row's verdict is not ok. */
export function printPlan(cli: Cli, json: boolean | undefined, path: string, plan: PlanSummary): number {
  const { report, ...rest } = plan;
  if (report?.fallback)
    cli.io.stderr.write(
      `warning: could not write the report to ${report.fallback.asked} (${report.fallback.reason}); saved it to ${report.path}\n`,
    );
  printResult(cli.io, json, { ...rest, report: report?.path ?? null }, () => {
    const counts = Object.entries(plan.verdicts).map(([verdict, count]) => `${count} ${verdict}`);
    const lines = [`${path} --plan ${plan.file}: ${plural(plan.rows, "row")}: ${counts.join(", ")}; nothing was written`];
    lines.push(...plan.problems.slice(0, FAILURES_SHOWN).map((row) => `  ${at(row)}: ${row.verdict}: ${row.problems.join("; ")}`));
    if (plan.problems.length > FAILURES_SHOWN)
      lines.push(`  ... and ${plan.problems.length - FAILURES_SHOWN} more${report ? " (see the report)" : ""}`);
    if (report) lines.push(`Report: ${report.path}`);
    return lines.join("\n");
  });
  return plan.problems.length > 0 || report?.fallback ? EXIT_BULK_FAILURES : 0;
}
