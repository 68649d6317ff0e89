import type { TokenCredential } from "@azure/core-auth";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { z } from "zod";
import type { paths } from "../generated/partner-center.js";
import { createTokenProvider } from "./auth.js";
import type { Runtime } from "./call.js";
import { contextHeaders, requestContextMiddleware } from "./context.js";
import {
  createAcrossCustomersOperations,
  type SubscriptionAcrossCustomersOperations,
  type UserAcrossCustomersOperations,
} from "./operations/across-customers.js";
import {
  createLicenseBulkOperations,
  createSubscriptionBulkOperations,
  type LicenseBulkOperations,
  type SubscriptionBulkOperations,
} from "./operations/bulk.js";
import { type CustomerOperations, createCustomerOperations } from "./operations/customers.js";
import { createLicensePlanOperations, type LicensePlanOperations } from "./operations/license-plan.js";
import { createLicenseOperations, type LicenseOperations } from "./operations/licenses.js";
import { createSubscriptionListOperations, type SubscriptionListOperations } from "./operations/subscription-list.js";
import { createSubscriptionOperations, type SubscriptionOperations } from "./operations/subscriptions.js";
import { createUpgradeOperations, type UpgradeOperations } from "./operations/upgrades.js";
import { createUserOperations, type UserOperations } from "./operations/users.js";
import { createRetryingFetch, type RetryEvent, type RetryOptions } from "./retry.js";
import type { ValidationMode } from "./schemas.js";
import { guid, headerText, validate } from "./validation.js";

/** Base URL of the global (public) Partner Center cloud, version 1. */
export const GLOBAL_BASE_URL = "https://api.partnercenter.microsoft.com/v1";

/** Token scope for Partner Center in the Microsoft identity platform v2 endpoint. */
export const DEFAULT_SCOPES: readonly string[] = ["https://api.partnercenter.microsoft.com/.default"];

/** The typed openapi-fetch client over every operation in openapi/partner-center.yaml. */
export type RawPartnerCenterClient = Client<paths>;

/** Settings for {@link createPartnerCenterClient}. */
export interface PartnerCenterClientOptions {
  /** Where tokens come from: any TokenCredential, so every `@azure/identity` credential works. */
  credential: TokenCredential;
  /** API root including the version segment; default {@link GLOBAL_BASE_URL}. Must be https unless loopback. */
  baseUrl?: string;
  /** Token scopes; default {@link DEFAULT_SCOPES}. */
  scopes?: readonly string[];
  /** X-Locale of the answers' texts; default "en-US". */
  locale?: string;
  /** Sent as MS-PartnerCenter-Application. */
  applicationName?: string;
  /** MS-CorrelationId for every call of this client (a GUID); default a new one per call. */
  correlationId?: string;
  /** Retry policy for network errors, timeouts, 408, 429 and 5xx; `false` for a single attempt. */
  retry?: RetryOptions | false;
  /** Time allowed for each attempt, in ms; default 60,000. */
  timeoutMs?: number;
  /**
   * Told before each wait for a retry (a 429's Retry-After, a backoff after a 5xx or a network error), e.g. to
   * show "throttled, retrying in 30 s (1 of 3)". Not told of the 429s a bulk run schedules itself (its onProgress
   * counts them). What it throws is ignored.
   */
  onRetry?: (event: RetryEvent) => void;
  /** The fetch beneath everything (proxies, tests), given a Request per attempt; default the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** How answers are checked: "lenient" (default) keeps unknown fields and enum values, "strict" rejects unknown enum values, "off" skips checks. */
  validation?: ValidationMode;
}

/** The client: one group of methods per resource, and the typed raw client for anything else. */
export interface PartnerCenterClient {
  customers: CustomerOperations;
  users: UserOperations & UserAcrossCustomersOperations;
  licenses: LicenseOperations & LicenseBulkOperations & LicensePlanOperations;
  subscriptions: SubscriptionOperations & SubscriptionListOperations & SubscriptionAcrossCustomersOperations & SubscriptionBulkOperations;
  upgrades: UpgradeOperations;
  /** The typed openapi-fetch client, with the same auth, headers and retries. */
  raw: RawPartnerCenterClient;
}

const count = (max: number) =>
  z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(0, { error: "must not be negative" })
    .max(max, { error: `must be at most ${max}` });
const optionsSchema = z.object({
  credential: z.custom<TokenCredential>((value) => typeof (value as TokenCredential | null)?.getToken === "function", {
    error: "must be a TokenCredential (an object with getToken)",
  }),
  baseUrl: z
    .string({ error: "must be a string" })
    .refine(isSafeBaseUrl, { error: "must be an absolute https URL (http only for localhost/loopback)" })
    .optional(),
  scopes: z.array(headerText).min(1, { error: "must name at least one scope" }).optional(),
  locale: headerText.optional(),
  applicationName: headerText.optional(),
  correlationId: guid.optional(),
  retry: z
    .union([
      z.literal(false),
      z.object({
        maxRetries: count(20).optional(),
        baseDelayMs: count(600_000).optional(),
        maxDelayMs: count(3_600_000).optional(),
        maxRetryAfterMs: count(3_600_000).optional(),
      }),
    ])
    .optional(),
  // Node's timers hold at most 2^31 - 1 ms and turn anything longer into 1 ms.
  timeoutMs: z
    .number({ error: "must be a number" })
    .positive({ error: "must be positive" })
    .max(2_147_483_647, { error: "must be at most 2147483647 (about 24.8 days)" })
    .optional(),
  fetch: z
    .custom<(request: Request) => Promise<Response>>((value) => typeof value === "function", { error: "must be a function" })
    .optional(),
  validation: z.enum(["strict", "lenient", "off"], { error: "must be strict, lenient or off" }).optional(),
  onRetry: z.custom<(event: RetryEvent) => void>((value) => typeof value === "function", { error: "must be a function" }).optional(),
});

/**
 * Creates a Partner Center client.
 * @example
 * const pc = createPartnerCenterClient({ credential: new DefaultAzureCredential() });
 * const skus = await pc.licenses.listSubscribedSkus(customerId);
 * await pc.licenses.assign(customerId, "adele@contoso.com", skus[0]!.productSku!.id!);
 * await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
 */
export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterClient {
  validate("createPartnerCenterClient", { options: optionsSchema }, { options });
  const tokens = createTokenProvider(options.credential, { scopes: options.scopes ?? DEFAULT_SCOPES });
  const baseUrl = baseUrlOf(options.baseUrl ?? GLOBAL_BASE_URL);
  const context = { locale: options.locale ?? "en-US", applicationName: options.applicationName, correlationId: options.correlationId };
  const fetchFor = (handBack: readonly number[]) =>
    createRetryingFetch({
      fetch: options.fetch,
      retry: options.retry ?? {},
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      handBack,
      onRetry: options.onRetry,
      token: (request) => (!request.forceRefresh && tokens.usableToken()) || tokens.getToken(request),
    });
  // Middleware added to pc.raw is added to the typed methods' clients too, so that it sees every call. The list
  // mirrors openapi-fetch's own: each use() adds once more, each eject() takes one away.
  const middleware: Middleware[] = [];
  // Two stacks over one token cache: the bulk runner's hands 429s back to it, to pause just that customer. Their
  // clients carry no middleware of their own: the typed methods set every header themselves (call.ts).
  const headers = contextHeaders(context);
  const runtimeFor = (fetch: ReturnType<typeof fetchFor>): Runtime => ({
    raw: createClient<paths>({ baseUrl, fetch }),
    baseUrl,
    correlationId: options.correlationId,
    validation: options.validation ?? "lenient",
    headers,
    hasMiddleware: () => middleware.length > 0,
  });
  const fetch = fetchFor([]);
  const runtime = runtimeFor(fetch);
  const bulk = runtimeFor(fetchFor([429]));
  const raw = createClient<paths>({ baseUrl, fetch });
  raw.use(requestContextMiddleware(context));
  const customers = createCustomerOperations(runtime);
  const licenses = createLicenseOperations(runtime);
  const users = createUserOperations(runtime);
  const across = createAcrossCustomersOperations(customers, {
    users: createUserOperations(bulk),
    subscriptions: createSubscriptionListOperations(bulk),
  });
  return {
    customers,
    users: { ...users, ...across.users },
    licenses: {
      ...licenses,
      ...createLicenseBulkOperations(createLicenseOperations(bulk)),
      ...createLicensePlanOperations(licenses, users),
    },
    subscriptions: {
      ...createSubscriptionOperations(runtime),
      ...createSubscriptionListOperations(runtime),
      ...across.subscriptions,
      ...createSubscriptionBulkOperations(createSubscriptionOperations(bulk)),
    },
    upgrades: createUpgradeOperations(runtime),
    raw: {
      ...raw,
      use(...added) {
        for (const client of [raw, runtime.raw, bulk.raw]) client.use(...added);
        middleware.push(...added.filter(Boolean));
      },
      eject(...removed) {
        for (const client of [raw, runtime.raw, bulk.raw]) client.eject(...removed);
        for (const one of removed) {
          const at = middleware.indexOf(one);
          if (at >= 0) middleware.splice(at, 1);
        }
      },
    },
  };
}

// The base URL as the URL parser reads it, without trailing slashes: each call appends its path to it. Taken as
// written, "https://h.example//x/.." would lose its ".." segment only once a path was appended ("//customers/...").
function baseUrlOf(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

// A token must never travel in clear text: plain http is allowed only to this machine (mocks, tests).
function isSafeBaseUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // Characters the URL parser drops or folds (trailing spaces, "\\", a bare "?" or "#") and "{...}", which
  // openapi-fetch would read as a path parameter, would send calls somewhere other than what was written.
  if (value !== value.trim() || /[\\?#{}\s\u0000-\u001f\u007f]/.test(value)) return false;
  if (url.username || url.password) return false;
  if (url.protocol === "https:") return true;
  return (
    url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(url.hostname))
  );
}
