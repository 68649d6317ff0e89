import { randomUUID } from "node:crypto";
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
 * service does not echo them; the middleware fills in the other headers.
 */
export function callHeaders(call: CallOptions | undefined, pinnedCorrelationId: string | undefined) {
  return {
    "MS-RequestId": call?.requestId ?? randomUUID(),
    "MS-CorrelationId": call?.correlationId ?? pinnedCorrelationId ?? randomUUID(),
  };
}

/**
 * Sets the request-context headers once per logical call, before the retrying fetch beneath sees the
 * request: every retry of the call then carries the same MS-RequestId, which is what makes writes safe to
 * retry. Headers a call already set (its own ids, If-Match) are kept. Raw calls through `pc.raw` get them too.
 */
export function requestContextMiddleware(settings: ContextSettings): Middleware {
  const defaults: Record<string, () => string | undefined> = {
    Accept: () => "application/json",
    "MS-RequestId": () => randomUUID(),
    "MS-CorrelationId": () => settings.correlationId ?? randomUUID(),
    "X-Locale": () => settings.locale,
    "MS-PartnerCenter-Application": () => settings.applicationName,
    "MS-PartnerCenter-Client": () => `${CLIENT_NAME}/${CLIENT_VERSION}`,
  };
  return {
    onRequest({ request }) {
      for (const [name, value] of Object.entries(defaults)) {
        if (request.headers.has(name)) continue;
        const resolved = value();
        if (resolved !== undefined) request.headers.set(name, resolved);
      }
      return request;
    },
  };
}
