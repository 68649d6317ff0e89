/**
 * The fetch handed to openapi-fetch, beneath its middleware: one logical call becomes up to
 * `maxRetries + 1` attempts (plus one after a token refresh), each sending the same request, so the
 * MS-RequestId set once per call makes every repeat, writes included, idempotent. This file holds the policy (which
 * answers to repeat, and after how long) and the loop; one attempt is in attempt.ts.
 */

import { aborted, attempt, bearerHeader, Call, CallRequest, discard, type Outcome, type Step, type Transport } from "./attempt.js";
import { AbortedError } from "./errors.js";

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
type Settings = Transport &
  Required<Pick<RetryingFetchOptions, "sleep" | "random" | "now" | "handBack">> &
  Pick<RetryingFetchOptions, "onRetry"> & { retry: Required<RetryOptions> };

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
    decide: (response, call) => nextStep(response, call, settings),
  };
  return (input) => {
    if (input instanceof CallRequest) return run(new Call(input, input.headers, input.body), settings);
    // A raw call's headers are copied: the Request's own may not be changed, and attempts add a token to them.
    const headers = new Headers(input.headers);
    if (input.body === null) return run(new Call(input, headers, undefined), settings);
    return input.arrayBuffer().then((body) => run(new Call(input, headers, body), settings));
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
  // An injected sleep may ignore the signal: the next attempt begins by checking it.
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
