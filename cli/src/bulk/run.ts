import type { PartnerCenterClient } from "partner-center-client";
import { AbortedError, InvalidInputError } from "partner-center-client/errors";
import type { CliIo } from "../io.js";
import type { BulkJob } from "./jobs.js";
import { createProgress } from "./progress.js";
import {
  carriedOutcome,
  failedOutcome,
  OUTCOME_COLUMNS,
  type Outcome,
  okOutcome,
  reportTable,
  requestIdToReuse,
  shouldRun,
} from "./report.js";
import { readTable, type Table, writeTable } from "./table-file.js";

/** Options of a bulk command. */
export interface BulkCommandOptions {
  report?: string;
  onlyFailed?: boolean;
  concurrency?: number;
  perCustomerConcurrency?: number;
  /** Stops the run (Ctrl-C): running rows finish and are reported, the rest are reported as not sent. */
  signal?: AbortSignal;
}

/** What a bulk run works with: the client (made only if a row is to be sent), the streams and the options. */
export interface BulkContext {
  pc: () => Promise<PartnerCenterClient>;
  /** The run's MS-CorrelationId, for rows whose answer did not echo one. */
  correlationId?: string;
  io: CliIo;
  options: BulkCommandOptions;
}

/** What a bulk run did: every row's outcome (in input order) and the counts. */
export interface BulkSummary {
  input: Table;
  outcomes: Outcome[];
  rows: number;
  skipped: number;
  processed: number;
  ok: number;
  failed: number;
  interrupted: boolean;
}

/** Reads the rows, sends those still to do, and writes the report of every row if asked. */
export async function runBulkFile<Item>(job: BulkJob<Item>, file: string, context: BulkContext): Promise<BulkSummary> {
  const { options } = context;
  const onlyFailed = options.onlyFailed ?? false;
  const input = await readTable(file, [...job.required, ...job.optional, ...OUTCOME_COLUMNS], job.name);
  checkColumns(job, file, input, onlyFailed);
  const runs = input.rows.map((row) => shouldRun(row, onlyFailed));
  const outcomes: Array<Outcome | undefined> = input.rows.map((row, index) => (runs[index] ? undefined : carriedOutcome(row)));
  const toSend: Array<{ row: number; item: Item }> = [];
  input.rows.forEach((row, index) => {
    if (!runs[index]) return;
    const item = job.toItem(row);
    if (typeof item === "object" && item !== null && "problems" in item)
      outcomes[index] = failedOutcome(new InvalidInputError(`row ${index + 1}`, item.problems));
    else {
      const requestId = requestIdToReuse(row);
      toSend.push({ row: index, item: requestId ? { ...item, requestId } : item });
    }
  });
  if (toSend.length > 0) await send(job, toSend, outcomes, context);

  // Rows the run never started (it was interrupted) are failures to re-run, not silent gaps.
  const interrupted = outcomes.some((outcome) => outcome === undefined);
  const complete = outcomes.map((outcome) => outcome ?? failedOutcome(new AbortedError("not sent: the run was interrupted first")));
  if (options.report) await writeTable(options.report, reportTable(input, complete));
  const ran = complete.filter((_, index) => runs[index]);
  return {
    input,
    outcomes: complete,
    rows: input.rows.length,
    skipped: input.rows.length - ran.length,
    processed: ran.length,
    ok: ran.filter((outcome) => outcome.status === "ok").length,
    failed: ran.filter((outcome) => outcome.status === "failed").length,
    interrupted,
  };
}

// Runs the items through the library's bulk call, recording each outcome at its row and showing progress.
async function send<Item>(
  job: BulkJob<Item>,
  toSend: ReadonlyArray<{ row: number; item: Item }>,
  outcomes: Array<Outcome | undefined>,
  context: BulkContext,
): Promise<void> {
  const { options } = context;
  // Stopped before it began: nothing to send, and no client is built.
  if (options.signal?.aborted) return;
  const pc = await context.pc();
  const progress = createProgress(context.io, job.name, toSend.length);
  const counts = { finished: 0, failed: 0, throttled: 0 };
  try {
    const results = job.run(
      pc,
      toSend.map((entry) => entry.item),
      {
        ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
        ...(options.perCustomerConcurrency !== undefined && { perCustomerConcurrency: options.perCustomerConcurrency }),
        ...(options.signal && { signal: options.signal }),
        onProgress: (event) => {
          counts.throttled = event.throttled;
          progress.update(counts);
        },
      },
    );
    for await (const result of results) {
      const sent = { requestId: result.requestId, correlationId: context.correlationId };
      outcomes[toSend[result.index]!.row] = result.ok ? okOutcome(result.value, sent) : failedOutcome(result.error, sent);
      counts.finished += 1;
      if (!result.ok) counts.failed += 1;
      progress.update(counts);
    }
  } finally {
    progress.stop();
  }
}

function checkColumns(job: BulkJob<unknown>, file: string, input: Table, onlyFailed: boolean): void {
  const missing = job.required.filter((column) => !input.columns.includes(column));
  if (onlyFailed && !input.columns.includes("status")) missing.push("status (--only-failed reads a report of an earlier run)");
  if (missing.length === 0) return;
  const expected = [...job.required, ...job.optional.map((column) => `[${column}]`)].join(",");
  throw new InvalidInputError(`${job.name} ${file}`, [`missing column(s) ${missing.join(", ")}; expected ${expected}`]);
}
