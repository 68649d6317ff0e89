import { idsIn, type RequestIds, type ServiceError, serviceErrorClass } from "./errors.js";
import { parseRetryAfterMs } from "./retry.js";

/** What the server said about a call that succeeded: status and the ids to quote to support. */
export interface ResponseMeta extends RequestIds {
  status: number;
  /** The Location header, when the answer had one (a subscription update answered 202 Accepted). */
  location?: string | undefined;
}

const metaByResult = new WeakMap<object, ResponseMeta>();

/** The status and ids of the answer a result came from (the server's echo of MS-RequestId and MS-CorrelationId). */
export function getResponseMeta(result: object): ResponseMeta | undefined {
  return metaByResult.get(result);
}

/** Remembers where a result came from without adding a property to it (results stay plain data). */
export function attachResponseMeta<T>(result: T, meta: ResponseMeta): T {
  if (typeof result === "object" && result !== null) metaByResult.set(result, meta);
  return result;
}

/**
 * Builds the typed error for a non-2xx answer. `body` is what openapi-fetch made of it: the parsed
 * JSON, or the raw text when it was not JSON (empty, an HTML page from a proxy, cut off).
 */
export function errorFromResponse(operation: string, response: Response, body: unknown, sent?: RequestIds): ServiceError {
  const fault = faultOf(body);
  const type = serviceErrorClass(response.status, fault.code);
  return new type({
    operation,
    status: response.status,
    ...fault,
    ...idsIn(response.headers, sent),
    retryAfterMs: parseRetryAfterMs(response.headers.get("Retry-After"), Date.now()),
  });
}

interface Fault {
  code?: string | number;
  description?: string;
  data?: unknown[];
  source?: string;
}

function faultOf(body: unknown): Fault {
  if (typeof body === "string" || body === undefined || body === null) return describeText(typeof body === "string" ? body : "");
  if (typeof body !== "object" || Array.isArray(body)) return { description: "the error body was not a service fault" };
  const record = body as Record<string, unknown>;
  const code = typeof record.code === "number" || typeof record.code === "string" ? record.code : undefined;
  // The 429 body is { statusCode, message } rather than a ServiceFault.
  const words = stringOf(record.description) ?? stringOf(record.message);
  return {
    ...(code !== undefined && { code }),
    ...(words !== undefined && { description: words }),
    // Items stay as they came: strings or objects (anything else, such as a number, is kept as well).
    ...(Array.isArray(record.data) && { data: record.data }),
    ...(stringOf(record.source) !== undefined && { source: stringOf(record.source)! }),
  };
}

function describeText(text: string): Fault {
  const trimmed = text.trim();
  if (trimmed === "") return { description: "the error body was empty" };
  if (/^<(!doctype|html)/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return { description: `the error body was an HTML page${title ? ` ("${title.slice(0, 120)}")` : ""}` };
  }
  return { description: `the error body was not valid JSON (${trimmed.length} characters)` };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
