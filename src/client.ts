import type { TokenCredential } from "@azure/core-auth";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../generated/partner-center.js";

/** Base URL of the global (public) Partner Center cloud, version 1. */
export const GLOBAL_BASE_URL = "https://api.partnercenter.microsoft.com/v1";

/** Token scope for Partner Center in the Microsoft identity platform v2 endpoint. */
export const DEFAULT_SCOPES: readonly string[] = ["https://api.partnercenter.microsoft.com/.default"];

/** The typed openapi-fetch client over every operation in openapi/partner-center.yaml. */
export type RawPartnerCenterClient = Client<paths>;

/** Settings for {@link createPartnerCenterClient}. */
export interface PartnerCenterClientOptions {
  /** Where tokens come from: any `@azure/identity` credential. */
  credential: TokenCredential;
  /** API root including the version segment; defaults to {@link GLOBAL_BASE_URL}. */
  baseUrl?: string;
  /** Token scopes; defaults to {@link DEFAULT_SCOPES}. */
  scopes?: readonly string[];
  /** The fetch used for every request (tests and proxies inject one); defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * Creates the typed client: each call is checked at compile time against the spec's paths.
 * @example
 * const pc = createPartnerCenterClient({ credential: new DefaultAzureCredential() });
 * const { data } = await pc.GET("/customers/{customer_id}/subscribedskus", {
 *   params: { path: { customer_id: customerId } },
 * });
 */
export function createPartnerCenterClient(options: PartnerCenterClientOptions): RawPartnerCenterClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? GLOBAL_BASE_URL,
    fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
  });
  client.use(bearerTokenMiddleware(options.credential, options.scopes ?? DEFAULT_SCOPES));
  return client;
}

function bearerTokenMiddleware(credential: TokenCredential, scopes: readonly string[]): Middleware {
  return {
    async onRequest({ request }) {
      const token = await credential.getToken([...scopes]);
      if (!token) throw new Error("The credential returned no access token for Partner Center.");
      request.headers.set("Authorization", `Bearer ${token.token}`);
      return request;
    },
  };
}
