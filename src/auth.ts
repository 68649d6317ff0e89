/**
 * Access tokens for Partner Center: a caching, single-flight provider over any TokenCredential, and the
 * refresh-token credential of the secure application model.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { AbortedError, AuthenticationError } from "./errors.js";
import { describeError, scrubError } from "./redact.js";

export {
  DEFAULT_AUTHORITY_HOST,
  RefreshTokenCredential,
  type RefreshTokenCredentialOptions,
} from "./refresh-token-credential.js";

/** Default {@link TokenProviderOptions.refreshMarginMs}: 5 minutes, longer than a call with all its retries. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** Settings for {@link createTokenProvider}. */
export interface TokenProviderOptions {
  /** Scopes to ask the credential for, e.g. `https://api.partnercenter.microsoft.com/.default`. */
  scopes: readonly string[];
  /** A cached token is replaced this long before it expires, so none expires mid-call; default 5 minutes. */
  refreshMarginMs?: number;
  /** The clock, in ms since the epoch; default `Date.now()`. */
  now?: () => number;
}

/** Options of one {@link TokenProvider.getToken} call. */
export interface TokenRequestOptions {
  /** Get a new token even if the cached one looks valid: the service just answered 401 to it. */
  forceRefresh?: boolean;
  /** Stops this caller's wait (with AbortedError); a request other callers share carries on. */
  signal?: AbortSignal;
}

/** Hands out the access token to send, fetching a new one only when needed. */
export interface TokenProvider {
  /** The token to put after `Bearer `. */
  getToken(options?: TokenRequestOptions): Promise<string>;
  /** The cached token if it is still usable, at once; otherwise undefined (then `getToken` gets one). */
  usableToken(): string | undefined;
}

/**
 * Wraps a credential with a token cache and single-flight refresh: however many calls need a new token at once,
 * the credential is asked once and all share its answer. A failure is not cached; the next call asks again.
 * @example
 * const tokens = createTokenProvider(new DefaultAzureCredential(), { scopes: DEFAULT_SCOPES });
 * headers.set("Authorization", `Bearer ${await tokens.getToken()}`);
 */
export function createTokenProvider(credential: TokenCredential, options: TokenProviderOptions): TokenProvider {
  const scopes = [...options.scopes];
  const marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  // Read Date.now at each call (not once here) so fake clocks installed later are honoured.
  const now = options.now ?? (() => Date.now());
  let cached: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  const isUsable = (token: AccessToken): boolean => {
    const at = now();
    const dueAt = Math.min(token.expiresOnTimestamp - marginMs, token.refreshAfterTimestamp ?? Infinity);
    return at < dueAt;
  };

  // Whoever finds no request under way starts one; everyone else joins it. `pending` is cleared once it
  // settles, so a failure is seen by the callers who waited for it and by no later one.
  const refresh = (): Promise<AccessToken> => {
    pending ??= requestToken(credential, scopes)
      .then((token) => (cached = token))
      .finally(() => (pending = undefined));
    return pending;
  };

  return {
    usableToken: () => (cached && isUsable(cached) ? cached.token : undefined),
    async getToken({ forceRefresh = false, signal } = {}) {
      if (signal?.aborted) throw abortedError(signal);
      if (forceRefresh) {
        // The service refused this token: never hand it out again, even if the refresh fails.
        cached = undefined;
      } else if (cached && isUsable(cached)) {
        return cached.token;
      }
      // A forced refresh joins a request already under way: it will bring a token newer than the refused one.
      const token = await untilAborted(refresh(), signal);
      return token.token;
    },
  };
}

async function requestToken(credential: TokenCredential, scopes: string[]): Promise<AccessToken> {
  const failure = `The credential could not provide a Partner Center token for scopes ${scopes.join(" ")}`;
  let token: AccessToken | null;
  try {
    token = await credential.getToken([...scopes]);
  } catch (error) {
    // The message gets only the error's name and redacted words; `cause` (non-enumerable, so JSON.stringify
    // skips it) keeps the original for diagnosis, scrubbed of secret-shaped values because util.inspect prints it.
    throw new AuthenticationError(`${failure}: ${describeError(error)}`, {}, { cause: scrubError(error) });
  }
  if (!token?.token) throw new AuthenticationError(`${failure}: it returned no token`);
  return token;
}

// Ends this caller's wait when its signal fires. The shared request is not cancelled: other callers may be
// waiting for it, and a token that arrives anyway is cached for the next call.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function abortedError(signal: AbortSignal): AbortedError {
  return new AbortedError("Getting a Partner Center token was aborted", {}, { cause: signal.reason });
}
