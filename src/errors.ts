/**
 * The error tree. Every error the library throws is a PartnerCenterError; service answers become a
 * ServiceError subclass chosen in one place (errorFromResponse in response.ts), client-side failures their own
 * branches. No error ever holds a request, a header or a token: only ids, codes and the service's words, and those
 * pass through the redaction rule of redact.ts, so a service that echoes the Authorization header cannot make us leak it.
 */
import { redactSecrets, scrubError } from "./redact.js";
import type { UpgradeResult } from "./schemas.js";

/** The ids to quote to Microsoft support for one call. */
export interface RequestIds {
  requestId?: string | undefined;
  correlationId?: string | undefined;
}

/** Root of every error thrown by this library. */
export class PartnerCenterError extends Error {
  override name = "PartnerCenterError";
  readonly requestId: string | undefined;
  readonly correlationId: string | undefined;

  constructor(message: string, ids: RequestIds = {}, options?: { cause?: unknown }) {
    // The message quotes service words and answer headers: secret-shaped values never reach it.
    super(redactSecrets(message + idsSuffix(ids)), options);
    this.requestId = redactOptional(ids.requestId);
    this.correlationId = redactOptional(ids.correlationId);
  }
}

/** The MS-RequestId and MS-CorrelationId in `headers`, each falling back to `fallback`'s. */
export function idsIn(headers: Headers, fallback: RequestIds = {}): RequestIds {
  return {
    requestId: headers.get("MS-RequestId") ?? fallback.requestId,
    correlationId: headers.get("MS-CorrelationId") ?? fallback.correlationId,
  };
}

export function idsSuffix({ requestId, correlationId }: RequestIds): string {
  const parts = [requestId && `MS-RequestId ${requestId}`, correlationId && `MS-CorrelationId ${correlationId}`];
  const present = parts.filter(Boolean);
  return present.length > 0 ? ` [${present.join(", ")}]` : "";
}

/** Status categories of Microsoft's .NET SDK, so logs and dashboards can keep their vocabulary. */
export type ErrorCategory =
  | "BadInput"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "InvalidOperation"
  | "UnsupportedDataFormat"
  | "RequestTimeout"
  | "AlreadyExists"
  | "TooManyRequests"
  | "ServerBusy"
  | "GatewayTimeout"
  | "ServerError";

const categories: Record<number, ErrorCategory> = {
  400: "BadInput",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "InvalidOperation",
  406: "UnsupportedDataFormat",
  408: "RequestTimeout",
  409: "AlreadyExists",
  429: "TooManyRequests",
  503: "ServerBusy",
  504: "GatewayTimeout",
};

/** Maps an HTTP status to the .NET SDK's category; anything unlisted is ServerError. */
export function categoryOf(status: number): ErrorCategory {
  return categories[status] ?? "ServerError";
}

/** What the ServiceError constructors take (errorFromResponse in response.ts builds it from an answer). */
export interface ServiceErrorDetails extends RequestIds {
  /** What was being done, e.g. "licenses.update"; starts the message. */
  operation: string;
  status: number;
  code?: string | number | undefined;
  description?: string | undefined;
  /** The fault's `data` items as they came: strings, or objects (the error-codes page calls them error objects). */
  data?: readonly unknown[] | undefined;
  source?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** The service answered with a non-2xx status. */
export class ServiceError extends PartnerCenterError {
  override name = "ServiceError";
  readonly status: number;
  readonly code: string | number | undefined;
  readonly description: string | undefined;
  /** The fault's `data` items as they came (strings or objects), with secret-shaped values redacted. */
  readonly data: readonly unknown[];
  readonly source: string | undefined;
  readonly category: ErrorCategory;
  /** How long the service asked to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(details: ServiceErrorDetails) {
    const code = details.code === undefined ? "" : ` code ${details.code}`;
    const words = details.description ? `: ${details.description}` : "";
    super(`${details.operation} failed with HTTP ${details.status}${code}${words}`, details);
    this.status = details.status;
    this.code = details.code;
    this.description = redactOptional(details.description);
    this.data = (details.data ?? []).map((item) => (typeof item === "string" ? redactSecrets(item) : scrubError(item)));
    this.source = redactOptional(details.source);
    this.category = categoryOf(details.status);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** HTTP 400: the input was refused. */
export class BadRequestError extends ServiceError {
  override name = "BadRequestError";
}
/** HTTP 401: the token is missing, expired or lacks a claim (such as MFA). */
export class UnauthorizedError extends ServiceError {
  override name = "UnauthorizedError";
}
/** HTTP 403: authenticated, but not allowed. */
export class ForbiddenError extends ServiceError {
  override name = "ForbiddenError";
}
/** HTTP 404: no such customer, user or subscription. */
export class NotFoundError extends ServiceError {
  override name = "NotFoundError";
}
/** HTTP 409: the resource is busy or in the wrong state; try later. */
export class ConflictError extends ServiceError {
  override name = "ConflictError";
}
/** HTTP 429: throttled; `retryAfterMs` says how long to wait. */
export class TooManyRequestsError extends ServiceError {
  override name = "TooManyRequestsError";
}
/** HTTP 5xx (and any other unexpected status): the service failed. */
export class ServerError extends ServiceError {
  override name = "ServerError";
}
/** 60012: no licenses of the SKU are left to assign. Buy more, or free some. */
export class LicenseQuotaExceededError extends BadRequestError {
  override name = "LicenseQuotaExceededError";
}
/** 900316: a legacy partner token was used; license calls need an App+User Entra token. */
export class PartnerTokenNotAllowedError extends BadRequestError {
  override name = "PartnerTokenNotAllowedError";
}
/**
 * 900329 (HTTP 403): this resource does not accept an app-only token. Fixed like 900316: call with an App+User
 * token. {@link needsAppUserToken} is true for both.
 */
export class AppOnlyTokenNotAcceptedError extends ForbiddenError {
  override name = "AppOnlyTokenNotAcceptedError";
}
/** True when the fix is another kind of token, an App+User one (900316 and 900329). */
export function needsAppUserToken(error: unknown): error is PartnerTokenNotAllowedError | AppOnlyTokenNotAcceptedError {
  return error instanceof PartnerTokenNotAllowedError || error instanceof AppOnlyTokenNotAcceptedError;
}
/** 900309: the customer's Conditional Access policy blocked the partner's token. */
export class ConditionalAccessBlockedError extends ForbiddenError {
  override name = "ConditionalAccessBlockedError";
}
/** 2055 (HTTP 400) or HTTP 412: the etag is stale; read the resource again and re-apply the change. */
export class StaleEtagError extends ServiceError {
  override name = "StaleEtagError";
}

type ServiceErrorClass = new (details: ServiceErrorDetails) => ServiceError;

// Service codes that get their own class, checked before the status table (stripe-node's shape).
const byCode: ReadonlyArray<{ code: number; status?: number; type: ServiceErrorClass }> = [
  { code: 60012, status: 400, type: LicenseQuotaExceededError },
  { code: 900316, status: 400, type: PartnerTokenNotAllowedError },
  { code: 900329, status: 403, type: AppOnlyTokenNotAcceptedError },
  { code: 900309, status: 403, type: ConditionalAccessBlockedError },
  // The stale etag is documented as a 400; on any other status the status decides.
  { code: 2055, status: 400, type: StaleEtagError },
];

const byStatus: Record<number, ServiceErrorClass> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  412: StaleEtagError,
  429: TooManyRequestsError,
};

/** Picks the one class for a service answer: by code, then by status, ServerError last. */
export function serviceErrorClass(status: number, code: unknown): ServiceErrorClass {
  const numeric = typeof code === "string" && /^\d+$/.test(code.trim()) ? Number(code) : code;
  const match = byCode.find((entry) => entry.code === numeric && (entry.status ?? status) === status);
  return match?.type ?? byStatus[status] ?? (status >= 400 && status < 500 ? ServiceError : ServerError);
}

/** The input was refused before any request left the process; `problems` lists every reason. */
export class InvalidInputError extends PartnerCenterError {
  override name = "InvalidInputError";
  readonly problems: readonly string[];

  constructor(operation: string, problems: readonly string[]) {
    super(`${operation} was not sent: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

/** The request could not reach the service or the connection broke. */
export class NetworkError extends PartnerCenterError {
  override name = "NetworkError";
}

/** An attempt took longer than `timeoutMs`. */
export class TimeoutError extends PartnerCenterError {
  override name = "TimeoutError";
}

/** The caller's AbortSignal stopped the call. */
export class AbortedError extends PartnerCenterError {
  override name = "AbortedError";
}

/** A 2xx answer whose body is not what the spec describes (not JSON, cut off, wrong shape). */
export class UnexpectedResponseError extends PartnerCenterError {
  override name = "UnexpectedResponseError";
  readonly status: number;
  readonly problems: readonly string[];

  constructor(operation: string, status: number, problems: readonly string[], ids: RequestIds = {}) {
    super(`${operation} got an unexpected HTTP ${status} answer: ${problems.join("; ")}`, ids);
    this.status = status;
    // Problems may quote a value of the answer (an unknown enum value).
    this.problems = problems.map((problem) => redactSecrets(problem));
  }
}

/** The credential could not produce a token. `cause` holds its error; no secret is ever included. */
export class AuthenticationError extends PartnerCenterError {
  override name = "AuthenticationError";
}

/** An upgrade answered 200 but listed upgradeErrors: nothing was upgraded. `result` holds the whole answer. */
export class UpgradeRejectedError<Result extends { upgradeErrors?: readonly unknown[] | null } = UpgradeResult> extends PartnerCenterError {
  override name = "UpgradeRejectedError";
  readonly result: Result;

  constructor(operation: string, result: Result, reasons: readonly string[], ids: RequestIds = {}) {
    super(`${operation} was rejected by the service: ${reasons.join("; ")}`, ids);
    // The service's answer, scrubbed in place like a cause: it is enumerable, so JSON.stringify(error) prints it.
    this.result = scrubError(result);
  }
}

const names = new Set([
  "PartnerCenterError",
  "ServiceError",
  "BadRequestError",
  "UnauthorizedError",
  "ForbiddenError",
  "NotFoundError",
  "ConflictError",
  "TooManyRequestsError",
  "ServerError",
  "LicenseQuotaExceededError",
  "PartnerTokenNotAllowedError",
  "AppOnlyTokenNotAcceptedError",
  "ConditionalAccessBlockedError",
  "StaleEtagError",
  "InvalidInputError",
  "NetworkError",
  "TimeoutError",
  "AbortedError",
  "UnexpectedResponseError",
  "AuthenticationError",
  "UpgradeRejectedError",
]);

/** True for any error of this library, also across two copies of the package (checks `name` too). */
export function isPartnerCenterError(error: unknown): error is PartnerCenterError {
  return error instanceof PartnerCenterError || (error instanceof Error && names.has(error.name) && "requestId" in error);
}

/** True for an error carrying a service answer (status, code, description). */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError || (isPartnerCenterError(error) && "status" in error && "category" in error);
}

function redactOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactSecrets(text);
}
