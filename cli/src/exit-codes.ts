import { isPartnerCenterError, isServiceError } from "partner-center-client/errors";

/** Exit code of a bulk run that finished with at least one failed row. */
export const EXIT_BULK_FAILURES = 1;
/** Exit code of a usage error (unknown option, missing argument) and of InvalidInputError. */
export const EXIT_USAGE = 2;
/** Exit code of a service answer with an unexpected status (ServiceError and kin without a code of their own). */
export const EXIT_SERVICE = 9;
/** Exit code of a write the service answered, but with a state other than the one asked for (auto-renew still on). */
export const EXIT_NOT_AS_ASKED = 17;
/** Exit code of a failure that is not one of the library's errors: a bug to report. */
export const EXIT_UNEXPECTED = 70;
/** Exit code of a run stopped by Ctrl-C (AbortedError). */
export const EXIT_INTERRUPTED = 130;

/** Each error class's exit code, most specific first; the help epilogue is printed from this table. */
export const EXIT_CODES: ReadonlyArray<{ code: number; classes: readonly string[]; meaning: string }> = [
  { code: 0, classes: [], meaning: "success" },
  {
    code: EXIT_BULK_FAILURES,
    classes: [],
    meaning: "a bulk run finished with failed rows, a plan found problems, or the report went elsewhere",
  },
  { code: EXIT_USAGE, classes: ["InvalidInputError"], meaning: "bad arguments or input file; nothing was sent" },
  { code: 3, classes: ["AuthenticationError"], meaning: "no token: check the credential settings" },
  { code: 4, classes: ["UnauthorizedError"], meaning: "HTTP 401: token missing, expired or without MFA" },
  { code: 5, classes: ["ForbiddenError"], meaning: "HTTP 403: not allowed (GDAP role, relationship)" },
  { code: 6, classes: ["NotFoundError"], meaning: "HTTP 404: no such customer, user or subscription" },
  { code: 7, classes: ["ConflictError", "StaleEtagError"], meaning: "HTTP 409/412, code 2055: changed or busy; try again" },
  { code: 8, classes: ["TooManyRequestsError"], meaning: "HTTP 429: throttled after every retry" },
  { code: EXIT_SERVICE, classes: ["ServerError", "ServiceError"], meaning: "HTTP 5xx or another unexpected status" },
  { code: 10, classes: ["NetworkError", "TimeoutError"], meaning: "no answer: connection failed or timed out" },
  { code: 11, classes: ["UnexpectedResponseError"], meaning: "an answer not shaped as documented" },
  { code: 12, classes: ["LicenseQuotaExceededError"], meaning: "code 60012: no licenses of the SKU left" },
  {
    code: 13,
    classes: ["PartnerTokenNotAllowedError", "AppOnlyTokenNotAcceptedError"],
    meaning: "code 900316 or 900329: the call needs an App+User token",
  },
  { code: 14, classes: ["ConditionalAccessBlockedError"], meaning: "code 900309: blocked by Conditional Access" },
  { code: 15, classes: ["BadRequestError"], meaning: "HTTP 400: the service refused the input" },
  { code: 16, classes: ["UpgradeRejectedError"], meaning: "the upgrade was refused (upgradeErrors)" },
  { code: EXIT_NOT_AS_ASKED, classes: [], meaning: "the service answered with another state than asked (a warning says which)" },
  { code: EXIT_UNEXPECTED, classes: [], meaning: "an unexpected failure: please report it" },
  { code: EXIT_INTERRUPTED, classes: ["AbortedError"], meaning: "interrupted (Ctrl-C), or a bulk run declined at its prompt" },
];

const byClass = new Map(EXIT_CODES.flatMap((entry) => entry.classes.map((name) => [name, entry.code] as const)));

/** The exit code for an error: by class name (works across copies of the package), else by kind. */
export function exitCodeOf(error: unknown): number {
  if (!isPartnerCenterError(error)) return EXIT_UNEXPECTED;
  return byClass.get(error.name) ?? (isServiceError(error) ? EXIT_SERVICE : EXIT_UNEXPECTED);
}

/** The exit-code table as plain text, for the help epilogue. */
export function exitCodeHelp(): string {
  const width = Math.max(...EXIT_CODES.map(({ classes }) => classes.join(", ").length));
  const rows = EXIT_CODES.map(
    ({ code, classes, meaning }) => `  ${String(code).padStart(3)}  ${classes.join(", ").padEnd(width)}  ${meaning}`,
  );
  return `Exit codes:\n${rows.join("\n")}`;
}
