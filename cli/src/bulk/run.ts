import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import type { PartnerCenterClient } from "partner-center-client";
import { InvalidInputError, isPartnerCenterError } from "partner-center-client/errors";
import type { CliIo } from "../io.js";
import type { BulkJob } from "./jobs.js";
import { Journal, type JournalContents, type JournalEntry, rowHash } from "./journal.js";
import { createProgress } from "./progress.js";
import {
  carriedOutcome,
  DERIVED_COLUMNS,
  failedOutcome,
  interruptedOutcome,
  notSentOutcome,
  OUTCOME_COLUMNS,
  type Outcome,
  okOutcome,
  requestIdToReuse,
  shouldRun,
} from "./report.js";
import { ReportWriter } from "./report-writer.js";
import { type InputRow, openRows, STDIN } from "./rows.js";
import { type BulkSummary, checkColumns, prepareRun, type RunSetup, Tally } from "./setup.js";

export type { BulkSummary } from "./setup.js";

/** Options of a bulk command. */
export interface BulkCommandOptions {
  report?: string;
  onlyFailed?: boolean;
  concurrency?: number;
  perCustomerConcurrency?: number;
  /** Times one row is sent again after a 429 before it is reported failed (the library's default is 20). */
  maxThrottleRetries?: number;
  /** Checks every row and says what would be sent; sends nothing. */
  dryRun?: boolean;
  /** Stops the run (Ctrl-C): running rows are aborted and reported interrupted, the rest not sent. */
  signal?: AbortSignal;
  /** Asked before anything is sent, with the number of rows (unknown for standard input); false stops the run. */
  confirm?: (rows: number | undefined) => Promise<boolean>;
}

/** What a bulk run works with: the client (made only if a row is to be sent), the streams and the options. */
export interface BulkContext {
  pc: () => Promise<PartnerCenterClient>;
  /** The run's MS-CorrelationId, for rows whose answer did not echo one. */
  correlationId?: string;
  io: CliIo;
  options: BulkCommandOptions;
  /** Standard input, read for the file `-`. */
  stdin?: NodeJS.ReadableStream;
}

/** A row handed to the bulk call, until its result comes back. */
interface InFlight {
  row: InputRow;
  hash: string;
  requestId: string;
}

/**
 * Streams the rows through the bulk call and writes the report as it goes. With a report path, a write-ahead
 * journal beside it holds each row's MS-RequestId before the row is sent and each final outcome as it arrives; a
 * run killed on the way is resumed by running the same command again (see {@link prepareRun}).
 */
export async function runBulkFile<Item>(job: BulkJob<Item>, file: string, context: BulkContext): Promise<BulkSummary> {
  const { options } = context;
  const setup = await prepareRun(job, file, options);
  const tally = new Tally(file, setup);
  if (options.confirm && !options.dryRun && !(await options.confirm(setup.total))) return tally.cancelled();

  const source = await openRows(setup.source, [...job.required, ...job.optional, ...DERIVED_COLUMNS], job.name, context.stdin);
  checkColumns(job, setup.source, source.columns, options.onlyFailed ?? false);
  const inputColumns = source.columns.filter((column) => !DERIVED_COLUMNS.includes(column));
  const report =
    options.report === undefined
      ? undefined
      : ReportWriter.open(options.report, [...inputColumns, ...OUTCOME_COLUMNS], source.delimiter, setup.readsReport, job.name);
  const journal =
    options.report === undefined || options.dryRun
      ? undefined
      : setup.resume
        ? new Journal(setup.journal)
        : new Journal(setup.journal, setup.header);

  const rows = source.rows[Symbol.asyncIterator]();
  const settle = (row: InputRow, outcome: Outcome, kind: Parameters<Tally["count"]>[1]) => {
    report?.settle(row.index, outcome);
    tally.count(row, kind, outcome);
  };
  const inFlight = new Map<number, InFlight>();
  let sent = 0;

  // The rows in input order, as the bulk call asks for them. A row already finished (in the journal of an unfinished
  // run, or ok in a report given as input) or refused here is settled without being sent; any other row's request
  // id is journalled before the row is handed on, so it is on disk before it can be sent.
  async function* items(): AsyncGenerator<Item> {
    while (!options.signal?.aborted) {
      const next = await readRow(rows, tally);
      if (next === undefined) return;
      const row = next;
      report?.add(row.index, row.cells);
      const hash = rowHash(row.cells, inputColumns);
      const entry = setup.resume?.entries.get(row.index);
      if (entry && entry.hash !== hash) {
        tally.inputError = changedInput(job.name, setup.source, row);
        report?.settle(row.index, notSentOutcome());
        return;
      }
      if (entry?.outcome) {
        settle(row, entry.outcome, "resumed");
        continue;
      }
      if (!entry && !shouldRun(row.cells, options.onlyFailed ?? false)) {
        settle(row, carriedOutcome(row.cells), "skipped");
        continue;
      }
      const item = job.toItem(row.cells);
      if (typeof item === "object" && item !== null && "problems" in item) {
        const outcome = failedOutcome(new InvalidInputError("the row", item.problems));
        journal?.finished(row.index, hash, outcome);
        settle(row, outcome, "final");
        continue;
      }
      const requestId = entry?.requestId ?? requestIdToReuse(row.cells) ?? randomUUID();
      if (options.dryRun) {
        settle(row, dryRunOutcome(job.describe(item)), "dry-run");
        continue;
      }
      if (entry?.requestId === undefined) journal?.sent(row.index, hash, requestId);
      inFlight.set(sent++, { row, hash, requestId });
      yield { ...item, requestId } as Item;
    }
  }

  try {
    if (options.dryRun) for await (const _ of items());
    else if (!options.signal?.aborted) await send(job, items(), inFlight, settle, journal, context, setup.total);
    // Stopped: rows handed on but not started, and rows not read yet, are reported as not sent.
    for (const { row } of inFlight.values()) settle(row, notSentOutcome(), "not-sent");
    for (let row = await readRow(rows, tally); row !== undefined; row = await readRow(rows, tally)) {
      report?.add(row.index, row.cells);
      settle(row, notSentOutcome(), "not-sent");
    }
  } finally {
    await rows.return?.();
  }
  if (report) tally.report = report.finish();
  if (journal) {
    if (tally.unfinished === 0 && !tally.inputError) journal.remove();
    else journal.close();
  }
  return tally.summary(options.signal?.aborted ?? false);
}

// Reads the next row; a broken line (met while streaming standard input) ends the input and is reported.
async function readRow(rows: AsyncIterator<InputRow>, tally: Tally): Promise<InputRow | undefined> {
  if (tally.inputError) return undefined;
  try {
    const next = await rows.next();
    return next.done ? undefined : next.value;
  } catch (error) {
    tally.inputError = isPartnerCenterError(error) ? error : new InvalidInputError("reading the input", [(error as Error).message]);
    return undefined;
  }
}

// Runs the items through the library's bulk call, recording each outcome at its row and showing progress.
async function send<Item>(
  job: BulkJob<Item>,
  items: AsyncIterable<Item>,
  inFlight: Map<number, InFlight>,
  settle: (row: InputRow, outcome: Outcome, kind: "final" | "interrupted") => void,
  journal: Journal | undefined,
  context: BulkContext,
  total: number | undefined,
): Promise<void> {
  const { options } = context;
  const pc = await context.pc();
  const progress = createProgress(context.io, job.name, total);
  const counts = { finished: 0, failed: 0, throttled: 0, retrying: 0 };
  try {
    const results = job.run(pc, items, {
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(options.perCustomerConcurrency !== undefined && { perCustomerConcurrency: options.perCustomerConcurrency }),
      ...(options.maxThrottleRetries !== undefined && { maxThrottleRetries: options.maxThrottleRetries }),
      ...(options.signal && { signal: options.signal }),
      onProgress: (event) => {
        counts.throttled = event.throttled;
        counts.retrying = event.retrying;
        progress.update(counts);
      },
    });
    for await (const result of results) {
      const { row, hash, requestId } = inFlight.get(result.index)!;
      inFlight.delete(result.index);
      const correlationId = context.correlationId;
      if (!result.ok && result.error.name === "AbortedError" && options.signal?.aborted) {
        settle(row, interruptedOutcome(requestId, correlationId), "interrupted");
      } else {
        const outcome = result.ok
          ? okOutcome(result.value, { requestId, correlationId })
          : failedOutcome(result.error, { requestId, correlationId });
        journal?.finished(row.index, hash, outcome);
        settle(row, outcome, "final");
        if (!result.ok) counts.failed += 1;
      }
      counts.finished += 1;
      progress.update(counts);
    }
  } finally {
    progress.stop();
  }
}

/** "data row 3 (line 4)": rows counted after the header, and the file line for CSV. */
export const where = (row: InputRow): string => `data row ${row.index + 1}${row.line === undefined ? "" : ` (line ${row.line})`}`;

function dryRunOutcome(description: string): Outcome {
  return { status: "dry-run", errorClass: "", code: "", message: `would ${description}`, requestId: "", correlationId: "" };
}

function changedInput(operation: string, file: string, row: InputRow): InvalidInputError {
  return new InvalidInputError(operation, [
    `${file === STDIN ? "standard input" : file} differs from the unfinished run's at ${where(row)}: give the same rows, or delete the journal to start over`,
  ]);
}

export type { JournalContents, JournalEntry, RunSetup };
export const absoluteInput = (file: string): string => (file === STDIN ? STDIN : resolve(file));
