/**
 * Microsoft's secure application model (App+User): trade a stored refresh token for Partner Center access tokens
 * through msal-node, and hand every rotated refresh token back to the caller to persist. msal-node is an optional
 * peer dependency, imported at the first redemption: the rest of the library never loads it. Its failures name the
 * secret and refresh tokens to the redaction rule of src/errors.ts, so neither reaches a message, a log line or
 * `JSON.stringify`.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type {
  AuthenticationResult,
  ConfidentialClientApplication,
  Configuration,
  INetworkModule,
  JsonCache,
  NetworkRequestOptions,
  NetworkResponse,
} from "@azure/msal-node";
import { AbortedError, AuthenticationError, InvalidInputError } from "./errors.js";
import { describeError, scrubError } from "./redact.js";

/** The msal-node major this credential is written for; the library's package.json declares it as an optional peer. */
const MSAL_PACKAGE = "@azure/msal-node@^5";

let msal: Promise<typeof import("@azure/msal-node")> | undefined;

/** msal-node, imported once on first use; a failed import is tried again on the next redemption. */
function loadMsal(): Promise<typeof import("@azure/msal-node")> {
  msal ??= import("@azure/msal-node").catch((error: unknown) => {
    msal = undefined;
    throw new AuthenticationError(
      `RefreshTokenCredential needs the package ${MSAL_PACKAGE}, which could not be loaded: install it beside partner-center-client (npm install @azure/msal-node)`,
      {},
      { cause: error },
    );
  });
  return msal;
}

/** The Entra ID host of the global cloud. */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** Settings for {@link RefreshTokenCredential}. */
export interface RefreshTokenCredentialOptions {
  /** The partner's Entra tenant (GUID or domain) the refresh token was issued in. */
  tenantId: string;
  /** The Partner Center app registration's client id. */
  clientId: string;
  clientSecret: string;
  /** The refresh token from the app's consent (secure application model). */
  refreshToken: string;
  /** Called with each new refresh token Entra hands out; persist it, the old one ages out. */
  onRefreshTokenRotated?: (newRefreshToken: string) => void | Promise<void>;
  /** Entra host; default {@link DEFAULT_AUTHORITY_HOST} (China: https://login.chinacloudapi.cn). */
  authorityHost?: string;
  /** Every request msal makes goes through this fetch when given (proxies, tests); default msal's own client. */
  fetch?: typeof fetch;
}

/**
 * A TokenCredential that redeems a refresh token (App+User) and keeps up with its rotation.
 * @example
 * const credential = new RefreshTokenCredential({
 *   tenantId, clientId, clientSecret,
 *   refreshToken: await vault.get("pc-refresh-token"),
 *   onRefreshTokenRotated: (token) => vault.set("pc-refresh-token", token),
 * });
 * const pc = createPartnerCenterClient({ credential, scopes: ["https://api.partnercenter.microsoft.com/user_impersonation"] });
 */
export class RefreshTokenCredential implements TokenCredential {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  // Private fields: invisible to JSON.stringify, util.inspect and property enumeration alike.
  #clientSecret: string;
  #refreshToken: string;
  #onRotated: RefreshTokenCredentialOptions["onRefreshTokenRotated"];
  #fetch: typeof fetch | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RefreshTokenCredentialOptions) {
    const required = ["tenantId", "clientId", "clientSecret", "refreshToken"] as const;
    const problems = required
      .filter((name) => typeof options[name] !== "string" || !options[name].trim())
      .map((name) => `${name} is empty`);
    const authorityHost = (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, "");
    // msal accepts only https authorities; saying so here beats an msal configuration error at the first call.
    if (!URL.canParse(authorityHost) || new URL(authorityHost).protocol !== "https:") problems.push("authorityHost must be an https URL");
    // The tenant becomes a path segment of the authority: a GUID or a domain name, nothing else.
    if (options.tenantId && !/^[\w.-]+$/.test(options.tenantId)) problems.push("tenantId must be a GUID or a domain name");
    if (problems.length > 0) throw new InvalidInputError("RefreshTokenCredential", problems);
    this.tenantId = options.tenantId;
    this.clientId = options.clientId;
    this.authorityHost = authorityHost;
    this.#clientSecret = options.clientSecret;
    this.#refreshToken = options.refreshToken;
    this.#onRotated = options.onRefreshTokenRotated;
    this.#fetch = options.fetch;
  }

  /** Redeems the current refresh token for an access token to `scopes`. */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    // One redemption at a time, so each presents the newest refresh token: a concurrent one would redeem a token
    // that is about to be rotated away, and could hand the caller an older token to persist after a newer one.
    const run = this.#queue.then(() => {
      if (options.abortSignal?.aborted) throw new AbortedError("RefreshTokenCredential.getToken was aborted");
      return this.#redeem(typeof scopes === "string" ? [scopes] : [...scopes]);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** What is safe to log: ids and host, never the secret or the refresh token. */
  toJSON(): { tenantId: string; clientId: string; authorityHost: string } {
    return { tenantId: this.tenantId, clientId: this.clientId, authorityHost: this.authorityHost };
  }

  async #redeem(scopes: string[]): Promise<AccessToken> {
    // A new app (and so an empty in-memory cache) per redemption: the only refresh token in its cache afterwards
    // is the one this answer carried, and msal never answers from an earlier cached access token.
    const { ConfidentialClientApplication } = await loadMsal();
    let app: ConfidentialClientApplication;
    let result: AuthenticationResult | null;
    try {
      app = new ConfidentialClientApplication(this.#msalConfiguration());
      // forceCache: msal otherwise drops tokens of an account it has not cached, and we need the refresh token.
      result = await app.acquireTokenByRefreshToken({ scopes, refreshToken: this.#refreshToken, forceCache: true });
    } catch (error) {
      throw this.#failure("could not redeem the refresh token", error);
    }
    if (!result?.accessToken) throw this.#failure("got no access token from Entra ID");
    await this.#adoptRotatedRefreshToken(app, result.accessToken);
    return {
      token: result.accessToken,
      // No expiry from msal means none from Entra: treat the token as due for replacement at once.
      expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now(),
      ...(result.refreshOn && { refreshAfterTimestamp: result.refreshOn.getTime() }),
      tokenType: "Bearer",
    };
  }

  // msal-node never returns refresh tokens (its FAQ: read them from the token cache), so rotation is detected
  // by reading the RefreshToken entries of the serialized cache and comparing with the token just redeemed.
  async #adoptRotatedRefreshToken(app: ConfidentialClientApplication, accessToken: string): Promise<void> {
    const cache = JSON.parse(app.getTokenCache().serialize()) as Partial<JsonCache>;
    const next = Object.values(cache.RefreshToken ?? {}).find((entry) => entry.secret)?.secret;
    const previous = this.#refreshToken;
    if (!next || next === previous) return;
    this.#refreshToken = next;
    try {
      await this.#onRotated?.(next);
    } catch (error) {
      const what = "got a new refresh token (kept in use by this process) but onRefreshTokenRotated failed";
      throw this.#failure(what, error, [accessToken, previous]);
    }
  }

  #msalConfiguration(): Configuration {
    const authority = `${this.authorityHost}/${this.tenantId}`;
    return {
      auth: {
        clientId: this.clientId,
        clientSecret: this.#clientSecret,
        authority,
        // Trusting the host and stating its endpoints means msal makes no instance-discovery or OpenID
        // configuration request: the token endpoint is the only place it ever sends anything.
        knownAuthorities: [new URL(this.authorityHost).host],
        authorityMetadata: JSON.stringify(entraEndpoints(authority)),
      },
      system: this.#fetch ? { networkClient: fetchNetworkModule(this.#fetch) } : {},
    };
  }

  #failure(what: string, error?: unknown, extraSecrets: readonly string[] = []): AuthenticationError {
    const secrets = [this.#clientSecret, this.#refreshToken, ...extraSecrets];
    const message = `RefreshTokenCredential (tenant ${this.tenantId}, client ${this.clientId}) ${what}`;
    if (error === undefined) return new AuthenticationError(message);
    return new AuthenticationError(`${message}: ${describeError(error, secrets)}`, {}, { cause: scrubError(error, secrets) });
  }
}

/** The OpenID configuration Entra publishes for a tenant, built locally so msal need not fetch it. */
function entraEndpoints(authority: string): Record<string, string> {
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
  };
}

// msal-node lets the app replace its HTTP client (`system.networkClient`); this one sends through the given
// fetch, with the same answer shape msal's own client produces (a body that is not JSON becomes an error).
function fetchNetworkModule(fetchFn: typeof fetch): INetworkModule {
  const send = async <T>(
    method: string,
    url: string,
    options: NetworkRequestOptions = {},
    timeoutMs?: number,
  ): Promise<NetworkResponse<T>> => {
    const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : null;
    const response = await fetchFn(url, { method, headers: options.headers ?? {}, body: options.body ?? null, signal });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = {
        error: response.status >= 500 ? "server_error" : "client_error",
        error_description: `HTTP ${response.status} answer was not JSON`,
      };
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), body: body as T };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) => send<T>("GET", url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>("POST", url, options),
  };
}
