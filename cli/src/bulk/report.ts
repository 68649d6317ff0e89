import { getResponseMeta } from "partner-center-client";
import { isServiceError, type PartnerCenterError } from "partner-center-client/errors";
import { messageLine, wasSent } from "../failure.js";
import { isGuid } from "../guid.js";

/** Columns a report adds after the input's own; a report read back as input has them already. */
export const OUTCOME_COLUMNS = ["status", "errorClass", "code", "message", "requestId", "correlationId"] as const;

/** Columns a report or plan writes that a report read back as input must not carry as its own: the outcome and a plan's verdict. */
export const DERIVED_COLUMNS: readonly string[] = [...OUTCOME_COLUMNS, "verdict"];

/**
 * A row's status in a report:
 * - `ok`, `failed`: the answer is final (a failed row was refused, or failed after every retry);
 * - `interrupted`: in flight when the run was stopped, so it may have been applied: sent again under the same id;
 * - `not-sent`: the run was stopped before it was sent;
 * - `planned`, `dry-run`: from `--plan` or `--dry-run`, which send no write.
 */
export type RowStatus = "ok" | "failed" | "interrupted" | "not-sent" | "planned" | "dry-run";

/** One row's outcome, as report cells. */
export type Outcome = Record<(typeof OUTCOME_COLUMNS)[number], string>;

/** The ids a row was sent with; they win over the answer's echo, which a mock fills with example values. */
export interface SentIds {
  requestId?: string | undefined;
  correlationId?: string | undefined;
}

/** Outcome of a row the service accepted. */
export function okOutcome(value: unknown, sent: SentIds = {}): Outcome {
  const meta = typeof value === "object" && value !== null ? getResponseMeta(value) : undefined;
  return {
    status: "ok",
    errorClass: "",
    code: "",
    message: "",
    requestId: sent.requestId ?? meta?.requestId ?? "",
    correlationId: sent.correlationId ?? meta?.correlationId ?? "",
  };
}

/** Outcome of a row that failed, before sending (no ids: nothing reached the service) or after. */
export function failedOutcome(error: PartnerCenterError, sent: SentIds = {}): Outcome {
  const code = isServiceError(error) && error.code !== undefined ? String(error.code) : "";
  const ids = wasSent(error)
    ? { requestId: sent.requestId ?? error.requestId, correlationId: sent.correlationId ?? error.correlationId }
    : {};
  return {
    status: "failed",
    errorClass: error.name,
    code,
    message: messageLine(error),
    requestId: ids.requestId ?? "",
    correlationId: ids.correlationId ?? "",
  };
}

/** Outcome of a row stopped in flight by Ctrl-C: it may have been applied, so its id is kept for the re-run. */
export function interruptedOutcome(requestId: string, correlationId = ""): Outcome {
  return {
    status: "interrupted",
    errorClass: "AbortedError",
    code: "",
    message: "interrupted in flight: may have been applied; a re-run sends it again under the same MS-RequestId",
    requestId,
    correlationId,
  };
}

/** Outcome of a row the run did not send because it was stopped first. */
export function notSentOutcome(): Outcome {
  return { status: "not-sent", errorClass: "", code: "", message: "not sent: the run was stopped first", requestId: "", correlationId: "" };
}

const UNFINISHED: ReadonlySet<string> = new Set(["failed", "interrupted", "not-sent"]);

/**
 * Which rows a run sends. A row already `ok` (from an earlier run's report) never is; with `onlyFailed`, only the
 * rows an earlier run did not finish well are: `failed`, `interrupted` and `not-sent`.
 */
export function shouldRun(row: Readonly<Record<string, string>>, onlyFailed: boolean): boolean {
  const status = (row.status ?? "").trim().toLowerCase();
  return onlyFailed ? UNFINISHED.has(status) : status !== "ok";
}

// Failures after which a row's write may have reached the service (no answer, a cut-off or unreadable one, a 5xx,
// or stopped in flight): the re-run sends it again under the MS-RequestId it had, so the service applies it at most
// once. After any other failure the service refused the write, and the re-run gets a new id, so that a fixed cause
// (licenses bought, a typo corrected) is not answered from what the service kept for the old one.
const MAY_HAVE_BEEN_APPLIED: ReadonlySet<string> = new Set([
  "TimeoutError",
  "NetworkError",
  "ServerError",
  "UnexpectedResponseError",
  "AbortedError",
]);

/** The MS-RequestId a re-run of this report row must send again, if its earlier attempt may have been applied. */
export function requestIdToReuse(row: Readonly<Record<string, string>>): string | undefined {
  const requestId = (row.requestId ?? "").trim();
  const status = (row.status ?? "").trim().toLowerCase();
  const mayHaveLanded = status === "interrupted" || (status === "failed" && MAY_HAVE_BEEN_APPLIED.has((row.errorClass ?? "").trim()));
  return mayHaveLanded && isGuid(requestId) ? requestId : undefined;
}

/** The outcome a row already carries (from an earlier report), kept for rows this run does not send. */
export function carriedOutcome(row: Readonly<Record<string, string>>): Outcome {
  return Object.fromEntries(OUTCOME_COLUMNS.map((column) => [column, row[column] ?? ""])) as Outcome;
}
