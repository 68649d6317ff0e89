import { randomUUID } from "node:crypto";
import type { PartnerCenterClient, PartnerCenterClientOptions, ValidationMode } from "partner-center-client";
import type { CliIo } from "./io.js";

/** The options every command takes (commander's `optsWithGlobals()`). */
export interface GlobalOptions {
  json?: boolean;
  mock?: boolean;
  mockPrefer?: string;
  mockUrl?: string;
  baseUrl?: string;
  locale?: string;
  applicationName?: string;
  validation?: ValidationMode;
  maxRetries?: number;
  timeout?: number;
}

/** One run's client, made on first use and closed (with the mock it may have started) when the run ends. */
export interface Session {
  /** MS-CorrelationId of every call of this run: quotable even when an answer did not echo it. */
  correlationId: string;
  client(options: GlobalOptions): Promise<PartnerCenterClient>;
  close(): Promise<void>;
}

/** Creates the session of one CLI run. */
export function createSession(io: CliIo): Session {
  const correlationId = randomUUID();
  let client: Promise<PartnerCenterClient> | undefined;
  let closeMock: (() => Promise<void>) | undefined;

  async function connect(options: GlobalOptions): Promise<PartnerCenterClient> {
    // Loaded on first use: the client (zod schemas, msal) is most of the start-up time, and --help needs none of it.
    const { createPartnerCenterClient } = await import("partner-center-client");
    const common: Omit<PartnerCenterClientOptions, "credential"> = {
      correlationId,
      ...(options.locale !== undefined && { locale: options.locale }),
      ...(options.applicationName !== undefined && { applicationName: options.applicationName }),
      ...(options.validation !== undefined && { validation: options.validation }),
      ...(options.maxRetries !== undefined && { retry: options.maxRetries === 0 ? false : { maxRetries: options.maxRetries } }),
      ...(options.timeout !== undefined && { timeoutMs: options.timeout * 1000 }),
    };
    if (options.mock || options.mockUrl) {
      const { startMock } = await import("./mock.js");
      const mock = await startMock({
        prefer: options.mockPrefer,
        url: options.mockUrl,
        warn: (line) => io.stderr.write(`warning: ${line}\n`),
      });
      closeMock = () => mock.close();
      return createPartnerCenterClient({ ...common, credential: mock.credential, baseUrl: mock.baseUrl, fetch: mock.fetch });
    }
    const { credentialFromEnv } = await import("./credentials.js");
    const credential = await credentialFromEnv(io.env);
    return createPartnerCenterClient({ ...common, credential, ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }) });
  }

  return {
    correlationId,
    client: (options) => (client ??= connect(options)),
    close: async () => {
      await closeMock?.();
    },
  };
}
