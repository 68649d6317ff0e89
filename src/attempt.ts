/**
 * One attempt of a call, beneath the retry loop of retry.ts: the request a typed method hands over, the call every
 * attempt repeats, and the attempt itself (a token, a timeout, the answer read and cut of tokens, failures turned
 * into our errors).
 */
import { AbortedError, idsIn, NetworkError, type RequestIds, TimeoutError } from "./errors.js";
import { cutTokens, redactSecrets, scrubError, withoutTokensInHeaders } from "./redact.js";

/**
 * What a typed method's call hands the retrying fetch besides its request (see {@link CallRequest}), and where the
 * 2xx answer is left for it.
 */
export interface TypedCall {
  /** The ids the call sends (in its headers too): known already, so not read back from them. */
  readonly sent: RequestIds;
  /** The answer, its body already read into `text`. */
  response?: Response;
  /** Its body, with every token the call sent cut out. */
  text?: string;
  /** The ids it echoed, each falling back to the one the call sent. */
  echoed?: RequestIds;
}

/**
 * The request of a typed method's call, handed to openapi-fetch as its `Request` class: the URL, method, headers and
 * serialized body openapi-fetch produced, kept as they are. Each attempt gives them to the global fetch, which builds
 * the one Request it sends (a custom fetch gets a Request built from them). With openapi-fetch's own Request, which
 * the attempt's signal then had to reach, and a new Response for the answer, a GET took 1.32x the time of bare
 * openapi-fetch; without them, 1.11x (bench/overhead.ts, measured after that change alone).
 */
export class CallRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** Named as in the init, so that openapi-fetch, which copies init keys a request lacks onto it, finds it here. */
  readonly partnerCenterCall: TypedCall | undefined;

  constructor(url: string, init: RequestInit & { partnerCenterCall?: TypedCall }) {
    const { body } = init;
    if (body != null && typeof body !== "string") throw new TypeError("a typed call's body must be serialized to a string");
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = body ?? undefined;
    this.signal = init.signal ?? undefined;
    this.partnerCenterCall = init.partnerCenterCall;
  }
}

/** One logical call: what every attempt sends, the body held in memory so that each attempt can replay it. */
export class Call {
  readonly url: string;
  readonly method: string;
  /** The Request a raw call came as: every attempt is a copy of it, so that each setting it carries stays. */
  readonly request: Request | undefined;
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
  readonly ids: RequestIds;
  /** Every credential this call has sent in Authorization, cut out of whatever comes back. */
  readonly tokens = new Set<string>();

  /** Set for a typed method's call: its ids, and where its 2xx answer goes. */
  readonly typed: TypedCall | undefined;
  /** Retries made so far; the one token refresh after a 401 is not counted. */
  retries = 0;
  refreshed = false;
  /** What follows the attempt under way, once its headers are in (see attempt). */
  step: Step | undefined;

  constructor(
    input: Request | CallRequest,
    /** The call's headers; each attempt sets its token in them. */
    readonly headers: Headers,
    readonly body: ArrayBuffer | string | undefined,
  ) {
    this.url = input.url;
    this.method = input.method;
    this.request = input instanceof CallRequest ? undefined : input;
    this.typed = input instanceof CallRequest ? input.partnerCenterCall : undefined;
    this.signal = input.signal;
    // Only the two ids are ever read from the headers: nothing else (least of all Authorization) reaches a message.
    this.ids = this.typed?.sent ?? idsIn(headers);
  }

  /** "METHOD /path", for messages. */
  get what(): string {
    return `${this.method} ${new URL(this.url).pathname}`;
  }
}

/** What follows an attempt (decided by retry.ts). */
export type Step = { kind: "return" } | { kind: "refresh" } | { kind: "retry"; delayMs: number };
export type Outcome = Response | NetworkError | TimeoutError | AbortedError;

/** What an attempt takes from the retrying fetch's settings. */
export interface Transport {
  /** A custom fetch, given a Request per attempt; undefined: the global fetch. */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  /** Per attempt; 0 or Infinity disables. */
  timeoutMs: number;
  token: ((options: { forceRefresh: boolean; signal?: AbortSignal }) => string | Promise<string>) | undefined;
  bearer: (token: string) => string;
  /** What follows an answer, decided once its headers are in. */
  decide: (response: Response, call: Call) => Step;
}

// The Authorization value of the last token, built once rather than for every attempt: a token is 1-2 KB, and each
// new value of that size was copied once more when Headers checked it.
// Nothing is cached before the first token, so that an empty one gets "Bearer " like any other.
export function bearerHeader(): (token: string) => string {
  let last: { token: string; header: string } | undefined;
  return (token) => {
    if (last?.token !== token) last = { token, header: `Bearer ${token}` };
    return last.header;
  };
}

/**
 * One attempt: the call's headers with a token, a timeout, and failures turned into our errors. The body of an
 * answer that will be returned is read here, under the same timeout: a connection that breaks or stalls mid-body
 * is then a failed attempt like any other, retried with the same MS-RequestId, instead of an error (or a wait
 * without end) when openapi-fetch reads the body after the retry loop has finished.
 */
export async function attempt(call: Call, settings: Transport, attempts: number, forceRefresh: boolean): Promise<Outcome> {
  if (call.signal?.aborted) return aborted(call);
  if (settings.token) {
    // Errors from the token provider propagate unchanged: a broken credential does not heal on retry.
    // A token handed over at once (a cached one) is awaited too: one tick, beside a call that waits for the network.
    const token = await settings.token(call.signal ? { forceRefresh, signal: call.signal } : { forceRefresh });
    call.headers.set("Authorization", settings.bearer(token));
    // Real tokens are long; a test's "t" is not worth cutting from every answer.
    if (token.length >= 8) call.tokens.add(token);
    if (call.signal?.aborted) return aborted(call);
  }
  const controller = new AbortController();
  const { signal } = controller;
  const { timeoutMs } = settings;
  const timer = timeoutMs > 0 && timeoutMs < Infinity ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  // The caller's abort reaches the attempt through its controller: one signal per attempt. AbortSignal.any did
  // the same with a WeakRef and a registry entry per signal on Node 20: ~19 µs of a call's 569 in a profile.
  const caller = call.signal;
  const forward = caller && ((): void => controller.abort(caller.reason));
  if (forward) caller.addEventListener("abort", forward, { once: true });
  const init: RequestInit = { method: call.method, headers: call.headers, body: call.body ?? null, signal };
  const input = call.request ?? call.url;
  // The global fetch honours the signal, through the body too. A custom fetch gets a Request and may ignore the
  // signal, so the attempt races it. Node's fetch follows that Request's signal through a WeakRef: were the Request
  // garbage-collected mid-attempt, the abort would no longer reach the socket, which would stay open for good; the
  // listener holds the Request until the attempt is over.
  const custom = settings.fetch;
  const request = custom ? new Request(input, init) : undefined;
  const holdRequest = request && ((): Request => request);
  if (holdRequest) signal.addEventListener("abort", holdRequest, { once: true });
  const race = request ? signal : undefined;
  try {
    const response = await (custom ? raced(custom(request!), signal, discard) : globalThis.fetch(input, init));
    // Decided when the headers arrive, so that only the answer we return has its body read.
    call.step = settings.decide(response, call);
    if (call.step.kind !== "return") return response;
    if (call.typed && response.ok) return answered(response, await raced(response.text(), race), call.typed, call);
    return await buffered(response, call.tokens, race);
  } catch (error) {
    if (call.signal?.aborted) return aborted(call);
    const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    if (signal.aborted) {
      return new TimeoutError(`${call.what} got no answer within ${timeoutMs} ms, after ${tries}`, call.ids, {
        cause: error,
      });
    }
    // A proxy or custom fetch may quote the request it failed, Authorization included.
    const message = `${call.what} could not reach the service after ${tries}: ${redactSecrets(describe(error), [...call.tokens])}`;
    return new NetworkError(message, call.ids, { cause: scrubError(error, [...call.tokens]) });
  } finally {
    clearTimeout(timer);
    if (forward) caller.removeEventListener("abort", forward);
    if (holdRequest) signal.removeEventListener("abort", holdRequest);
  }
}

// Statuses whose Response must have a null body (the Fetch standard's null body statuses).
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Leaves a typed call's 2xx answer, its text and the ids it echoed in the call's {@link TypedCall}, every token the
 * call sent cut out; the answer itself comes back as it came unless an echoed id quotes a token.
 */
function answered(response: Response, text: string, typed: TypedCall, { ids, tokens }: Call): Response {
  typed.text = cutTokens(text, tokens);
  // Of this answer only the echoed ids are read (call.ts), so only they are searched for a token.
  const echoed = idsIn(response.headers, ids);
  const quotes = [echoed.requestId, echoed.correlationId].some((value) => value !== undefined && cutTokens(value, tokens) !== value);
  const { status, statusText } = response;
  typed.response = quotes
    ? new Response(null, { status, statusText, headers: withoutTokensInHeaders(response.headers, tokens) })
    : response;
  typed.echoed = quotes ? idsIn(typed.response.headers, ids) : echoed;
  return typed.response;
}

/**
 * The answer with its body read into memory (Partner Center answers are small JSON documents), and every token
 * this call sent cut out of its headers and body: a service or proxy that echoes the Authorization header (in a
 * fault's description, an HTML title, an MS-RequestId) must not make an error or a result quote it. The exact
 * values are known only here; the shape-based rule of redact.ts catches the rest. The answer is rebuilt from the
 * bytes read, with the headers and bytes as they came unless a token was found.
 */
async function buffered(response: Response, tokens: ReadonlySet<string>, race: AbortSignal | undefined): Promise<Response> {
  const { status, statusText } = response;
  const bytes = await raced(response.arrayBuffer(), race);
  const init = { status, statusText, headers: withoutTokensInHeaders(response.headers, tokens) };
  if (NULL_BODY_STATUSES.has(status)) return new Response(null, init);
  // With no token or no byte, cutting finds nothing and the bytes come back as they were read.
  const text = utf8.decode(bytes);
  const clean = cutTokens(text, tokens);
  if (clean === text) return new Response(bytes, init);
  const cleanHeaders = new Headers(init.headers);
  cleanHeaders.delete("Content-Length");
  return new Response(clean, { ...init, headers: cleanHeaders });
}

const utf8 = new TextDecoder();

// A custom fetch may ignore its signal; racing it keeps timeouts and the caller's abort prompt regardless.
// `dispose` frees what the losing promise brings if it settles after all. Without a signal, nothing to race.
function raced<T>(pending: Promise<T>, signal: AbortSignal | undefined, dispose?: (late: T) => unknown): Promise<T> {
  if (!signal) return pending;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason);
      pending.then(dispose, () => undefined);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export function aborted(call: Call): AbortedError {
  return new AbortedError(`${call.what} was aborted by the caller`, call.ids, { cause: call.signal?.reason });
}

// Frees the socket of an answer we will not read (ky does the same); a failed cancel changes nothing.
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

// Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND...) is on its cause.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${inner}`;
}
