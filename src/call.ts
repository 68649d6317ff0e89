import { CallRequest, type TypedCall } from "./attempt.js";
import type { RawPartnerCenterClient } from "./client.js";
import { type CallOptions, callIds } from "./context.js";
import { AbortedError, idsIn, isPartnerCenterError, NetworkError, UnexpectedResponseError } from "./errors.js";
import { attachResponseMeta, errorFromResponse, type ResponseMeta } from "./response.js";
import { parseResponse, type ResponseSchema, type ValidationMode } from "./schemas.js";

/** What the operation groups share: the typed client beneath and how strictly answers are checked. */
export interface Runtime {
  raw: RawPartnerCenterClient;
  validation: ValidationMode;
  /** The client's base URL, without a trailing slash; paging links must stay under it. */
  baseUrl: string;
  /** MS-CorrelationId pinned for every call of the client, if any. */
  correlationId?: string | undefined;
  /** The headers every call carries besides its ids (context.ts). */
  headers: Readonly<Record<string, string>>;
  /** Whether middleware was added to pc.raw: it then sees the typed calls too, as real Requests. */
  hasMiddleware: () => boolean;
}

/** What a method hands openapi-fetch besides its params and body. */
export interface SendInit {
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
  parseAs: "stream";
  /** {@link CallRequest}, unless middleware is in place. */
  Request?: typeof Request;
  /** The call's ids, and where the retrying fetch beneath leaves a 2xx answer (see {@link CallRequest}). */
  partnerCenterCall?: TypedCall;
}

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * Runs one logical call: passes the call's headers and signal to openapi-fetch, turns a non-2xx answer into
 * its typed error, and parses a 2xx body with the operation's schema (bodies are taken as text so that a
 * cut-off or non-JSON answer becomes an UnexpectedResponseError rather than a SyntaxError).
 *
 * openapi-fetch builds a {@link CallRequest} rather than a Request, unless middleware added to pc.raw needs a real
 * one. The retrying fetch beneath reads a 2xx answer's body itself (to retry one cut off mid-way) and leaves the
 * text in the {@link TypedCall}, so openapi-fetch is told not to read it (`parseAs: "stream"`).
 */
export async function send<T>(
  runtime: Runtime,
  operation: {
    name: string;
    schema: ResponseSchema<T>;
    /** What a 202 Accepted with an empty body resolves to; without it such an answer is an UnexpectedResponseError. */
    whenAcceptedEmpty?: (meta: ResponseMeta) => Promise<T>;
  },
  call: CallOptions | undefined,
  perform: (init: SendInit) => Promise<RawResult>,
): Promise<T> {
  const sent = callIds(call, runtime.correlationId);
  const typed: TypedCall = { sent };
  const headers = { ...runtime.headers, "MS-RequestId": sent.requestId, "MS-CorrelationId": sent.correlationId };
  // Middleware on pc.raw needs a real Request. Otherwise openapi-fetch builds a CallRequest: it calls
  // `new Request(url, init)`, and CallRequest takes the same arguments.
  const init: SendInit = runtime.hasMiddleware()
    ? { headers, signal: call?.signal, parseAs: "stream" }
    : { headers, signal: call?.signal, parseAs: "stream", Request: CallRequest as unknown as typeof Request, partnerCenterCall: typed };
  let result: RawResult;
  try {
    result = await perform(init);
  } catch (cause) {
    throw asLibraryError(operation.name, cause, call?.signal);
  }
  const { data, error, response } = result;
  if (!response.ok) throw errorFromResponse(operation.name, response, error, sent);
  // An answer other than the one left in `typed` (a middleware's, or any with middleware in place) has its body.
  const left = response === typed.response;
  const meta = (left && typed.echoed) || idsIn(response.headers, sent);
  const text = left ? typed.text : data instanceof ReadableStream ? await new Response(data).text() : undefined;
  const location = response.headers.get("Location") ?? undefined;
  const answer: ResponseMeta = {
    status: response.status,
    requestId: meta.requestId,
    correlationId: meta.correlationId,
    ...(location !== undefined && { location }),
  };
  if (response.status === 202 && operation.whenAcceptedEmpty && (text === undefined || text.trim() === ""))
    return operation.whenAcceptedEmpty(answer);
  const body = parseJson(text);
  if (!body.ok) throw new UnexpectedResponseError(operation.name, response.status, [body.problem], meta);
  // Even unchecked ("off"), an answer the methods read fields of must be a JSON object.
  if (typeof body.value !== "object" || body.value === null)
    throw new UnexpectedResponseError(operation.name, response.status, ["the body is not a JSON object"], meta);
  const parsed = parseResponse(operation.schema, body.value, runtime.validation);
  if (!parsed.ok) throw new UnexpectedResponseError(operation.name, response.status, parsed.problems, meta);
  return attachResponseMeta(parsed.value, answer);
}

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (text === undefined || text.trim() === "") return { ok: false, problem: "the body was empty" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: `the body was not valid JSON (${text.length} characters)` };
  }
}

function asLibraryError(operation: string, cause: unknown, signal: AbortSignal | undefined): Error {
  if (isPartnerCenterError(cause)) return cause;
  if (signal?.aborted) return new AbortedError(`${operation} was aborted`, {}, { cause });
  const message = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError(`${operation} failed before an answer arrived: ${message}`, {}, { cause });
}
