/**
 * The fetch handed to openapi-fetch, beneath its middleware: one logical call becomes up to
 * `maxRetries + 1` attempts (plus one after a token refresh), each sending the same request, so the
 * MS-RequestId set once per call makes every repeat, writes included, idempotent.
 */
import { AbortedError, idsIn, NetworkError, type RequestIds, TimeoutError } from "./errors.js";
import { cutTokens, redactSecrets, scrubError, withoutTokensInHeaders } from "./redact.js";

/** How hard to retry; every field is optional and falls back to {@link DEFAULT_RETRY}. */
export interface RetryOptions {
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
}

/** The retry defaults, declared once. */
export const DEFAULT_RETRY: Required<RetryOptions> = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/** Per-attempt timeout when none is given: Partner Center writes can take tens of seconds. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** What {@link RetryingFetchOptions.onRetry} is told before the wait that precedes a retry. */
export interface RetryEvent {
  /** The retry about to be made: 1 for the first. */
  retry: number;
  /** Retries the policy allows in all. */
  maxRetries: number;
  /** How long the call waits first (the service's Retry-After when it sent one, else the backoff). */
  delayMs: number;
  /** The status that is retried; absent when the attempt failed in transit (network error, timeout). */
  status?: number;
  /** "METHOD /path" of the call. */
  what: string;
  /** The MS-RequestId every attempt of the call sends. */
  requestId?: string;
}

/** Settings for {@link createRetryingFetch}; the function-valued ones exist so tests can inject them. */
export interface RetryingFetchOptions {
  /**
   * The transport, given a Request per attempt. Default: the global fetch, given each attempt's URL and init, so
   * that the Request it builds is the only one.
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /** `false`: one attempt only, with no retry and no token refresh. */
  retry: RetryOptions | false;
  /** Per attempt; default 60_000; 0 or Infinity disables. */
  timeoutMs?: number;
  /** The bearer token for an attempt (at once when cached); forceRefresh after a 401 asks for a new one. */
  token?: (options: { forceRefresh: boolean; signal?: AbortSignal }) => string | Promise<string>;
  /** Default: timer-based, rejects with AbortedError when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Retryable statuses handed straight back instead (the bulk runner takes 429s itself, per customer). */
  handBack?: readonly number[];
  /** Told before each wait for a retry (to say "throttled, retrying in 30 s"); what it throws is ignored. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

// Transient by definition (RFC 9110) or by Partner Center's docs (500 800003/900192 "try later").
// 412 and other 4xx cannot succeed when repeated unchanged (the .NET SDK's retried 412 is a known bug).
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Parses Retry-After (delay-seconds or HTTP-date) to milliseconds; garbage or negative gives undefined. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  // Numbers first, and a date only if it has a letter: Date.parse would read "-3" or "1.5" as a date.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

/** Whether to repeat after an attempt; `attempt` is the zero-based index of the attempt just made. */
export function retryDecision(input: {
  attempt: number;
  maxRetries: number;
  status?: number;
  error?: unknown;
  retryAfterMs?: number;
  maxRetryAfterMs: number;
  handBack?: readonly number[];
}): { retry: boolean; reason: string } {
  const { attempt, maxRetries, status, error, retryAfterMs, maxRetryAfterMs, handBack } = input;
  // The caller's signal is an order to stop, not a fault to ride out.
  if (error instanceof AbortedError) return { retry: false, reason: "the caller aborted the call" };
  if (error === undefined) {
    // Only statuses the service documents as transient can change on a repeat; a 4xx such as 400 or 412
    // would be refused again, and 401 gets its one token refresh outside this rule.
    if (status === undefined || !RETRYABLE_STATUSES.has(status)) {
      return { retry: false, reason: `HTTP ${status} is not retryable` };
    }
    // The caller schedules these itself (a bulk run pauses one customer rather than holding a slot).
    if (handBack?.includes(status)) return { retry: false, reason: `HTTP ${status} is handed back to the caller` };
    // A wait longer than we accept belongs to the caller, who gets retryAfterMs on TooManyRequestsError.
    if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
      return { retry: false, reason: `Retry-After ${retryAfterMs} ms exceeds ${maxRetryAfterMs} ms` };
    }
  }
  // Bounded: the Java SDK retrying forever is a known complaint.
  if (attempt >= maxRetries) return { retry: false, reason: `${maxRetries} retries exhausted` };
  // Network errors and timeouts are transient; the reused MS-RequestId makes a repeated write safe.
  return { retry: true, reason: error === undefined ? `HTTP ${status} is transient` : "the attempt failed in transit" };
}

/** Exponential backoff (`baseDelayMs * 2^attempt`, capped at maxDelayMs) with equal jitter. */
export function backoffDelayMs(attempt: number, options: Required<RetryOptions>, random: () => number): number {
  const ceilingMs = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  // Equal jitter keeps at least half the delay: spreads clients apart without near-zero waits.
  return Math.round(ceilingMs / 2 + (random() * ceilingMs) / 2);
}

// The options with every default filled in; `retry: false` becomes maxRetries 0 without a token refresh.
type Settings = Required<Omit<RetryingFetchOptions, "retry" | "fetch" | "token" | "onRetry">> &
  Pick<RetryingFetchOptions, "fetch" | "token" | "onRetry"> & { retry: Required<RetryOptions>; bearer: (token: string) => string };

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
class Call {
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

/**
 * Creates the retrying fetch to pass to openapi-fetch: it takes a Request (raw calls, and typed calls while
 * middleware is in place) or a {@link CallRequest}.
 * @example
 * const client = createClient<paths>({ baseUrl, fetch: createRetryingFetch({ retry: {} }) });
 */
export function createRetryingFetch(options: RetryingFetchOptions): (request: Request | CallRequest) => Promise<Response> {
  const settings: Settings = {
    fetch: options.fetch,
    retry: options.retry === false ? { ...DEFAULT_RETRY, maxRetries: 0 } : { ...DEFAULT_RETRY, ...options.retry },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    token: options.token,
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    handBack: options.handBack ?? [],
    onRetry: options.onRetry,
    bearer: bearerHeader(),
  };
  return (input) => {
    if (input instanceof CallRequest) return run(new Call(input, input.headers, input.body), settings);
    // A raw call's headers are copied: the Request's own may not be changed, and attempts add a token to them.
    const headers = new Headers(input.headers);
    if (input.body === null) return run(new Call(input, headers, undefined), settings);
    return input.arrayBuffer().then((body) => run(new Call(input, headers, body), settings));
  };
}

// The Authorization value of the last token, built once rather than for every attempt: a token is 1-2 KB, and each
// new value of that size was copied once more when Headers checked it.
function bearerHeader(): (token: string) => string {
  let last = { token: "", header: "" };
  return (token) => {
    if (token !== last.token) last = { token, header: `Bearer ${token}` };
    return last.header;
  };
}

// The 401 refresh is not counted in maxRetries (an expired token is not a transient fault), but it happens at
// most once per call, so a call makes at most maxRetries + 2 attempts.
async function run(call: Call, settings: Settings): Promise<Response> {
  let forceRefresh = false;
  for (let attempts = 1; ; attempts += 1) {
    call.step = undefined;
    const result = await attempt(call, settings, attempts, forceRefresh);
    forceRefresh = false;
    // A failure, in transit or while reading the body, is decided here.
    const decided = call.step && result instanceof Response ? call.step : nextStep(result, call, settings);
    if (decided.kind === "return") {
      if (result instanceof Response) return result;
      throw result;
    }
    if (result instanceof Response) await discard(result);
    if (decided.kind === "refresh") {
      call.refreshed = forceRefresh = true;
      continue;
    }
    notifyRetry(call, settings, decided.delayMs, result);
    await pause(call, settings, decided.delayMs);
    call.retries += 1;
  }
}

type Step = { kind: "return" } | { kind: "refresh" } | { kind: "retry"; delayMs: number };
type Outcome = Response | NetworkError | TimeoutError | AbortedError;
const RETURN: Step = Object.freeze({ kind: "return" });

/** What follows an attempt: hand its outcome to the caller, refresh the token once after a 401, or wait and retry. */
function nextStep(result: Outcome, { retries, refreshed }: { retries: number; refreshed: boolean }, settings: Settings): Step {
  if (result instanceof Response) {
    if (result.ok) return RETURN;
    // A 401 gets its one fresh-token retry even with `retry: false`: a token expiring mid-run is not a fault to give up on.
    if (result.status === 401 && settings.token && !refreshed) return { kind: "refresh" };
  }
  const answer = result instanceof Response ? { status: result.status } : { error: result };
  const retryAfterMs = result instanceof Response ? parseRetryAfterMs(result.headers.get("Retry-After"), settings.now()) : undefined;
  const { maxRetries, maxRetryAfterMs } = settings.retry;
  const decision = retryDecision({ attempt: retries, maxRetries, ...answer, retryAfterMs, maxRetryAfterMs, handBack: settings.handBack });
  if (!decision.retry) return RETURN;
  return { kind: "retry", delayMs: retryAfterMs ?? backoffDelayMs(retries, settings.retry, settings.random) };
}

/**
 * One attempt: the call's headers with a token, a timeout, and failures turned into our errors. The body of an
 * answer that will be returned is read here, under the same timeout: a connection that breaks or stalls mid-body
 * is then a failed attempt like any other, retried with the same MS-RequestId, instead of an error (or a wait
 * without end) when openapi-fetch reads the body after the retry loop has finished.
 */
async function attempt(call: Call, settings: Settings, attempts: number, forceRefresh: boolean): Promise<Outcome> {
  if (call.signal?.aborted) return aborted(call);
  if (settings.token) {
    // Errors from the token provider propagate unchanged: a broken credential does not heal on retry.
    const pending = settings.token(call.signal ? { forceRefresh, signal: call.signal } : { forceRefresh });
    const token = typeof pending === "string" ? pending : await pending;
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
    call.step = nextStep(response, call, settings);
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
  if (tokens.size === 0 || bytes.byteLength === 0) return new Response(bytes, init);
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

// A listener's fault must not change the call's course.
function notifyRetry(call: Call, settings: Settings, delayMs: number, result: Outcome): void {
  if (!settings.onRetry) return;
  const status = result instanceof Response ? { status: result.status } : {};
  const requestId = call.ids.requestId === undefined ? {} : { requestId: call.ids.requestId };
  try {
    settings.onRetry({ retry: call.retries + 1, maxRetries: settings.retry.maxRetries, delayMs, ...status, what: call.what, ...requestId });
  } catch {
    // ignored: see RetryingFetchOptions.onRetry
  }
}

/** Waits before the next attempt; the caller's abort ends the wait with AbortedError. */
async function pause(call: Call, settings: Settings, delayMs: number): Promise<void> {
  try {
    await settings.sleep(delayMs, call.signal);
  } catch (error) {
    if (call.signal?.aborted) throw aborted(call);
    throw error;
  }
  // An injected sleep may ignore the signal.
  if (call.signal?.aborted) throw aborted(call);
}

function aborted(call: Call): AbortedError {
  return new AbortedError(`${call.what} was aborted by the caller`, call.ids, { cause: call.signal?.reason });
}

// Frees the socket of an answer we will not read (ky does the same); a failed cancel changes nothing.
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError("The wait before a retry was aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND...) is on its cause.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${inner}`;
}
