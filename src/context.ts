import type { Middleware } from "openapi-fetch";
import { CLIENT_NAME, CLIENT_VERSION } from "./version.js";

/** Options every public method takes last. */
export interface CallOptions {
  /** Stops the call, including a pending retry wait. */
  signal?: AbortSignal;
  /** MS-RequestId for this call (a GUID); reuse one to make a repeated write idempotent. Default: a new GUID. */
  requestId?: string;
  /** MS-CorrelationId for this call (a GUID). Default: the client's, else a new GUID per call. */
  correlationId?: string;
}

/** Client-wide header settings. */
export interface ContextSettings {
  locale: string;
  applicationName?: string | undefined;
  correlationId?: string | undefined;
}

/**
 * The ids of one logical call, chosen before it is sent so that an error can name them even when the
 * service does not echo them.
 */
export function callIds(
  call: CallOptions | undefined,
  pinnedCorrelationId: string | undefined,
): { requestId: string; correlationId: string } {
  return {
    requestId: call?.requestId ?? crypto.randomUUID(),
    correlationId: call?.correlationId ?? pinnedCorrelationId ?? crypto.randomUUID(),
  };
}

/** The headers every call of a client carries besides its ids: what it accepts, the locale, who is calling. */
export function contextHeaders(settings: ContextSettings): Readonly<Record<string, string>> {
  return Object.freeze({
    Accept: "application/json",
    // The docs' examples send it and the headers page lists it as required (the .NET SDK does not send it).
    "MS-Contract-Version": "v1",
    "X-Locale": settings.locale,
    ...(settings.applicationName !== undefined && { "MS-PartnerCenter-Application": settings.applicationName }),
    "MS-PartnerCenter-Client": `${CLIENT_NAME}/${CLIENT_VERSION}`,
  });
}

/**
 * Sets the request-context headers of a raw call (`pc.raw`) once per logical call, before the retrying fetch
 * beneath sees the request: every retry of the call then carries the same MS-RequestId, which is what makes
 * writes safe to retry. Headers a call already set (its own ids, If-Match) are kept. The typed methods send
 * the same headers themselves (call.ts).
 */
export function requestContextMiddleware(settings: ContextSettings): Middleware {
  const fixed = Object.entries(contextHeaders(settings));
  return {
    onRequest({ request }) {
      const { headers } = request;
      for (const [name, value] of fixed) if (!headers.has(name)) headers.set(name, value);
      const ids = callIds(undefined, settings.correlationId);
      if (!headers.has("MS-RequestId")) headers.set("MS-RequestId", ids.requestId);
      if (!headers.has("MS-CorrelationId")) headers.set("MS-CorrelationId", ids.correlationId);
      return request;
    },
  };
}
