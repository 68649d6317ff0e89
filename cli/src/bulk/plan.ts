import type { BulkLicenseItem } from "partner-center-client";
import { licenseJob } from "./jobs.js";
import { DERIVED_COLUMNS, OUTCOME_COLUMNS } from "./report.js";
import { type ReportPlace, ReportWriter } from "./report-writer.js";
import { type InputRow, openRows } from "./rows.js";
import type { BulkContext } from "./run.js";
import { checkColumns } from "./setup.js";

/** One row of a plan as the summary shows it. */
export interface PlannedRow {
  row: number;
  line?: number;
  verdict: string;
  problems: string[];
}

/** What `licenses bulk --plan` found: a verdict per row. */
export interface PlanSummary {
  file: string;
  rows: number;
  /** Rows per verdict, e.g. { ok: 290, "out-of-units": 10 }. */
  verdicts: Record<string, number>;
  /** Rows whose verdict is not ok, in input order. */
  problems: PlannedRow[];
  report: ReportPlace | undefined;
}

/**
 * `licenses bulk --plan`: reads the rows, asks `pc.licenses.planBulk` (which reads SKUs and users, and writes
 * nothing) and reports a verdict per row, in the columns of a run's report plus `verdict`. Rows are `planned`: a
 * plan's report given as input later sends every row.
 */
export async function planBulkFile(file: string, context: BulkContext): Promise<PlanSummary> {
  const job = licenseJob;
  const source = await openRows(file, [...job.required, ...job.optional, ...DERIVED_COLUMNS], job.name, context.stdin);
  checkColumns(job, file, source.columns, false);
  const inputColumns = source.columns.filter((column) => !DERIVED_COLUMNS.includes(column));
  const rows: Array<{ row: InputRow; item: BulkLicenseItem | undefined; problems: string[] }> = [];
  for await (const row of source.rows) {
    const item = job.toItem(row.cells);
    rows.push("problems" in item ? { row, item: undefined, problems: item.problems } : { row, item, problems: [] });
  }
  const report =
    context.options.report === undefined
      ? undefined
      : ReportWriter.open(context.options.report, [...inputColumns, ...OUTCOME_COLUMNS, "verdict"], source.delimiter, false, job.name);
  const sendable = rows.filter((entry) => entry.item !== undefined);
  const pc = sendable.length > 0 ? await context.pc() : undefined;
  const plan = pc
    ? await pc.licenses.planBulk(
        sendable.map((entry) => entry.item!),
        context.options.signal ? { signal: context.options.signal } : {},
      )
    : [];
  const verdicts: Record<string, number> = {};
  const problems: PlannedRow[] = [];
  const judged = new Map(plan.map((planned) => [sendable[planned.index]!.row.index, planned]));
  for (const { row, problems: refused } of rows) {
    const planned = judged.get(row.index);
    const verdict = planned?.verdict ?? "invalid";
    const words = planned?.problems ?? refused;
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
    if (verdict !== "ok")
      problems.push({ row: row.index + 1, ...(row.line !== undefined && { line: row.line }), verdict, problems: words });
    report?.add(row.index, row.cells);
    report?.settle(row.index, {
      status: "planned",
      errorClass: planned?.error?.name ?? (verdict === "invalid" ? "InvalidInputError" : ""),
      code: "",
      message: words.join("; "),
      requestId: "",
      correlationId: "",
      verdict,
    });
  }
  return { file, rows: rows.length, verdicts, problems, report: report?.finish() };
}
