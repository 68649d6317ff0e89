import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createLogger } from "@stoplight/prism-core";
import { getHttpOperationsFromSpec, type IHttpConfig } from "@stoplight/prism-http";
import { createServer } from "@stoplight/prism-http-server";

/** Options for {@link startMockServer}; every field is optional. */
export interface MockServerOptions {
  specPath?: string;
  port?: number;
  host?: string;
}

/** A running in-process Prism mock server. */
export interface MockServer {
  url: string;
  close(): Promise<void>;
}

/** The spec the library package ships, beside its package.json. */
function defaultSpecPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve("partner-center-client/package.json")), "openapi", "partner-center.yaml");
}

// Mirrors the config `prism mock <spec>` (prism-cli 5.x) hands to createServer, minus CORS.
// What prism 5.12 does with it (read in the dist sources, then checked against a running server):
// - Request violations never "fail hard" and `errors` has no say in them. Prism answers with the
//   spec's 422, else 400, response (first example, or `Prefer: code=400, example=<name>`) plus an
//   `sl-violations` header. With neither declared it generates a 422 application/problem+json whose
//   `validation` array lists the violations, and then sends no `sl-violations` header at all.
// - Security failures are alike with 401: the spec's 401 (plus `sl-violations`) if declared, else a
//   generated 401 problem+json with `WWW-Authenticate: Bearer` and no `sl-violations`.
// - `errors` only concerns *response* violations: `true` turns an example that breaks its own schema
//   into a 500; `false` serves it and lists the problem in `sl-violations` (location "response",...).
// - Unknown paths/methods are 404/405 problem+json whatever the flags.
const CONFIG: IHttpConfig = {
  isProxy: false,
  mock: { dynamic: false },
  validateRequest: true,
  validateResponse: true,
  checkSecurity: true,
  errors: false,
  upstreamProxy: undefined,
};

/** PRISM_LOG=1 logs at info level, PRISM_LOG=<pino level> uses that level, otherwise silent. */
function logLevel(): string {
  const env = process.env.PRISM_LOG;
  if (!env || env === "0") return "silent";
  return env === "1" ? "info" : env;
}

/** Starts Prism's mock server in this process and resolves once it is listening. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { specPath = defaultSpecPath(), port = 0, host = "127.0.0.1" } = options;
  const operations = await getHttpOperationsFromSpec(specPath);
  if (operations.length === 0) throw new Error(`No operations found in ${specPath}`);

  // prism-core's createLogger adds the custom `success` level that Prism's components call.
  const logger = createLogger("PRISM", { level: logLevel() });
  const server = createServer(operations, {
    cors: false,
    config: CONFIG,
    components: { logger: logger.child({ name: "HTTP SERVER" }) },
  });

  // listen() resolves with `http://<address>:<port>` from the underlying http.Server's address(),
  // so the ephemeral port chosen for port 0 is already in it.
  const address = await server.listen(port, host);
  // IPv6 addresses come back unbracketed (`http://::1:1234`), so split off the port by hand.
  const match = /^http:\/\/(.+):(\d+)$/.exec(address);
  if (!match) throw new Error(`Unexpected listen address from Prism: ${address}`);
  const [, boundHost = host, boundPort] = match;
  const url = `http://${boundHost.includes(":") ? `[${boundHost}]` : boundHost}:${boundPort}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    // Node >= 19 http.Server#close() also drops idle keep-alive sockets (e.g. from fetch), so
    // this resolves promptly and leaves no handles behind; the guard makes close() idempotent.
    close: () => (closing ??= server.close()),
  };
}
