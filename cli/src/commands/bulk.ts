import type { Command } from "commander";
import type { BulkJob } from "../bulk/jobs.js";
import type { BulkCommandOptions, BulkSummary } from "../bulk/run.js";
import { begin, type Cli } from "../context.js";
import { EXIT_BULK_FAILURES, EXIT_INTERRUPTED } from "../exit-codes.js";
import { printResult } from "../output.js";
import { wholeNumber } from "./arguments.js";

/** What a bulk command is called, what it runs, and an example input for its help. */
export interface BulkCommandSpec<Item> {
  name: string;
  job: BulkJob<Item>;
  description: string;
  example: string;
}

type BulkFlags = Omit<BulkCommandOptions, "signal">;

// Enough failures to see the pattern; the report holds them all.
const FAILURES_SHOWN = 20;

/** Adds a bulk command reading a CSV or JSON file, with a report that can be fed back to re-run the failures. */
export function registerBulkCommand<Item>(parent: Command, cli: Cli, spec: BulkCommandSpec<Item>): void {
  const path = `${parent.name()} ${spec.name}`;
  parent
    .command(spec.name)
    .description(spec.description)
    .argument("<file>", "rows to apply: a .csv file with a header line, or a .json array; an earlier --report works too")
    .option(
      "--report <file>",
      "write every row's outcome to this .csv or .json file (input columns, status, errorClass, code, message, requestId, correlationId)",
    )
    .option("--only-failed", "send only the rows a report marks failed (rows marked ok are never sent again)")
    .option("--concurrency <n>", "calls in flight at once (default 16)", wholeNumber(1))
    .option("--per-customer-concurrency <n>", "calls in flight at once per customer (default 4)", wholeNumber(1))
    .addHelpText(
      "after",
      `\nExample input:\n  ${spec.example}\n\nRe-running: pass the report as <file> (same columns plus the outcome); rows whose status is ok are skipped,` +
        ` the others are sent again. A run with any failed row exits with ${EXIT_BULK_FAILURES}.\n  partner-center ${path} rows.csv --report report.csv\n  partner-center ${path} report.csv --only-failed --report report.csv`,
    )
    .action(async (file: string, flags: BulkFlags, command: Command) => {
      const options = command.optsWithGlobals<{ json?: boolean }>();
      // Ctrl-C stops starting rows; running ones finish and everything lands in the report. A second Ctrl-C kills.
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once("SIGINT", interrupt);
      try {
        // Loaded when a bulk run starts: CSV parsing, the progress bar and the client are not needed for --help.
        const { runBulkFile } = await import("../bulk/run.js");
        const summary = await runBulkFile(spec.job, file, {
          pc: async () => (await begin(cli, command)).pc,
          correlationId: cli.session.correlationId,
          io: cli.io,
          options: { ...flags, signal: controller.signal },
        });
        printResult(cli.io, options.json, summaryJson(file, flags.report, summary), () => summaryText(path, file, flags, summary));
        cli.exitCode = summary.interrupted ? EXIT_INTERRUPTED : summary.failed > 0 ? EXIT_BULK_FAILURES : 0;
      } finally {
        process.removeListener("SIGINT", interrupt);
      }
    });
}

function failures(summary: BulkSummary) {
  return summary.input.rows.flatMap((row, index) =>
    summary.outcomes[index]?.status === "failed" ? [{ row: index + 1, ...row, ...summary.outcomes[index] }] : [],
  );
}

function summaryJson(file: string, report: string | undefined, summary: BulkSummary) {
  const { rows, skipped, processed, ok, failed, interrupted } = summary;
  return { file, report: report ?? null, rows, skipped, processed, ok, failed, interrupted, failures: failures(summary) };
}

function summaryText(path: string, file: string, { report, onlyFailed }: BulkFlags, summary: BulkSummary): string {
  const why = onlyFailed ? "not marked failed" : "ok in an earlier run";
  const lines = [
    `${path} ${file}: ${summary.rows} rows; ${summary.processed} processed: ${summary.ok} ok, ${summary.failed} failed; ${summary.skipped} skipped (${why})`,
  ];
  const failed = failures(summary);
  if (failed.length > 0)
    lines.push(
      "Failed rows:",
      ...failed
        .slice(0, FAILURES_SHOWN)
        .map((row) => `  row ${row.row}: ${row.errorClass}${row.code ? ` (code ${row.code})` : ""}: ${row.message}`),
    );
  if (failed.length > FAILURES_SHOWN) lines.push(`  ... and ${failed.length - FAILURES_SHOWN} more${report ? " (see the report)" : ""}`);
  if (summary.interrupted) lines.push("Interrupted: rows not yet sent are marked failed (AbortedError).");
  if (report) lines.push(`Report: ${report}`);
  if (report && failed.length > 0) lines.push(`Re-run the failed rows: partner-center ${path} ${report} --only-failed --report ${report}`);
  return lines.join("\n");
}
