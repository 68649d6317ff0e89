import type { RawPartnerCenterClient } from "./client.js";
import { type CallOptions, callHeaders } from "./context.js";
import { AbortedError, isPartnerCenterError, NetworkError, UnexpectedResponseError } from "./errors.js";
import { attachResponseMeta, errorFromResponse, idsOf } from "./response.js";
import type { CallHandOver } from "./retry.js";
import { parseResponse, type ResponseSchema, type ValidationMode } from "./schemas.js";

/** What the operation groups share: the typed client beneath and how strictly answers are checked. */
export interface Runtime {
  raw: RawPartnerCenterClient;
  validation: ValidationMode;
  /** The client's base URL, without a trailing slash; paging links must stay under it. */
  baseUrl: string;
  /** MS-CorrelationId pinned for every call of the client, if any. */
  correlationId?: string | undefined;
}

/** What a method hands openapi-fetch besides its params and body. */
export interface SendInit {
  headers: Record<string, string>;
  signal: AbortSignal;
  parseAs: "stream";
  bodySerializer: (body: unknown) => string;
  /** Shared with the retrying fetch beneath (see {@link CallHandOver}). */
  partnerCenterCall: CallHandOver;
}

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * Runs one logical call: passes the call's ids and signal to openapi-fetch, turns a non-2xx answer into
 * its typed error, and parses a 2xx body with the operation's schema (bodies are taken as text so that a
 * cut-off or non-JSON answer becomes an UnexpectedResponseError rather than a SyntaxError).
 *
 * The retrying fetch beneath reads a 2xx answer's body itself (to retry one cut off mid-way) and hands the text
 * over in the {@link CallHandOver}, with the body as serialized here and the signal of the first attempt; the
 * answer comes back without a body, so openapi-fetch is told not to read one (`parseAs: "stream"`).
 */
export async function send<T>(
  runtime: Runtime,
  operation: { name: string; schema: ResponseSchema<T> },
  call: CallOptions | undefined,
  perform: (init: SendInit) => Promise<RawResult>,
): Promise<T> {
  const headers = callHeaders(call, runtime.correlationId);
  const sent = { requestId: headers["MS-RequestId"], correlationId: headers["MS-CorrelationId"] };
  const handOver: CallHandOver = { signal: call?.signal, firstAttempt: new AbortController() };
  const init: SendInit = {
    headers,
    signal: handOver.firstAttempt.signal,
    parseAs: "stream",
    bodySerializer: (body) => (handOver.body = JSON.stringify(body)),
    partnerCenterCall: handOver,
  };
  const { data, error, response } = await perform(init).catch((cause: unknown) => {
    throw asLibraryError(operation.name, cause, call?.signal);
  });
  if (!response.ok) throw errorFromResponse(operation.name, response, error, sent);
  const ids = idsOf(response, sent);
  // An answer other than the one handed over (middleware added to pc.raw replaced it) carries its own body.
  const text = response === handOver.answer ? handOver.text : data instanceof ReadableStream ? await new Response(data).text() : undefined;
  const body = parseJson(text);
  if (!body.ok) throw new UnexpectedResponseError(operation.name, response.status, [body.problem], ids);
  // Even unchecked ("off"), an answer the methods read fields of must be a JSON object.
  if (typeof body.value !== "object" || body.value === null)
    throw new UnexpectedResponseError(operation.name, response.status, ["the body is not a JSON object"], ids);
  const parsed = parseResponse(operation.schema, body.value, runtime.validation);
  if (!parsed.ok) throw new UnexpectedResponseError(operation.name, response.status, parsed.problems, ids);
  return attachResponseMeta(parsed.value, { status: response.status, ...ids });
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
