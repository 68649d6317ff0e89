import { randomUUID } from "node:crypto";
import type { PartnerCenterClient, PartnerCenterClientOptions, RetryEvent, ValidationMode } from "partner-center-client";
import { InvalidInputError } from "partner-center-client/errors";
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
  verbose?: boolean;
}

/** Where the run's token comes from: the mock's, App+User settings, or DefaultAzureCredential's chain. */
export type CredentialSource = "mock" | "app+user" | "default";

/** One run's client, made on first use and closed (with the mock it may have started) when the run ends. */
export interface Session {
  /** MS-CorrelationId of every call of this run: quotable even when an answer did not echo it. */
  correlationId: string;
  /** `retryNotices`: a line on stderr before each wait for a retry ("throttled, retrying in 30 s (1 of 3)"). */
  client(options: GlobalOptions, settings?: { retryNotices?: boolean }): Promise<PartnerCenterClient>;
  /** Set once the client is made. */
  credentialSource: CredentialSource | undefined;
  close(): Promise<void>;
}

/** Creates the session of one CLI run. */
export function createSession(io: CliIo): Session {
  const correlationId = randomUUID();
  let client: Promise<PartnerCenterClient> | undefined;
  let closeMock: (() => Promise<void>) | undefined;
  let retryNotices = true;
  const session: Session = {
    correlationId,
    credentialSource: undefined,
    client: (options, settings = {}) => {
      retryNotices = settings.retryNotices ?? true;
      client ??= connect(options);
      return client;
    },
    close: async () => {
      await closeMock?.();
    },
  };
  const onRetry = (event: RetryEvent) => {
    if (retryNotices) io.stderr.write(`${retryLine(event)}\n`);
  };

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
      onRetry,
    };
    if (options.mock || options.mockUrl) {
      session.credentialSource = "mock";
      // Prism takes a couple of seconds to load the spec: say why nothing happens yet.
      if (!options.mockUrl) io.stderr.write("starting the mock...\n");
      const { startMock } = await import("./mock.js");
      const mock = await startMock({
        prefer: options.mockPrefer,
        url: options.mockUrl,
        warn: (line) => io.stderr.write(`warning: ${line}\n`),
      });
      closeMock = () => mock.close();
      return inCliWords(options, () =>
        createPartnerCenterClient({ ...common, credential: mock.credential, baseUrl: mock.baseUrl, fetch: mock.fetch }),
      );
    }
    const { credentialFromEnv, usesAppUser } = await import("./credentials.js");
    const credential = await credentialFromEnv(io.env);
    session.credentialSource = usesAppUser(io.env) ? "app+user" : "default";
    return inCliWords(options, () =>
      createPartnerCenterClient({ ...common, credential, ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }) }),
    );
  }

  return session;
}

/** The line shown before a wait for a retry, e.g. "throttled, retrying in 30 s (1 of 3)". */
export function retryLine(event: RetryEvent): string {
  const why = event.status === 429 ? "throttled" : event.status === undefined ? "no answer" : `HTTP ${event.status}`;
  const seconds = Math.max(1, Math.round(event.delayMs / 1000));
  return `${why}, retrying in ${seconds} s (${event.retry} of ${event.maxRetries})`;
}

// The client's options as the command line spells them, so that a refusal names the flag and the value given.
const FLAGS: ReadonlyArray<readonly [option: string, flag: string, value: (options: GlobalOptions) => unknown]> = [
  ["baseUrl", "--base-url", (options) => options.baseUrl],
  ["locale", "--locale", (options) => options.locale],
  ["applicationName", "--application-name", (options) => options.applicationName],
  ["timeoutMs", "--timeout", (options) => options.timeout],
  ["retry", "--max-retries", (options) => options.maxRetries],
];

function inCliWords(options: GlobalOptions, create: () => PartnerCenterClient): PartnerCenterClient {
  try {
    return create();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const problems = error.problems.map((problem) => {
      for (const [option, flag, value] of FLAGS) {
        const match = new RegExp(`^options\\.${option}(?:\\.\\w+)? (.*)$`).exec(problem);
        if (match) return `${flag} ${JSON.stringify(String(value(options)))} ${match[1]}`;
      }
      return problem;
    });
    throw new InvalidInputError("the command", problems);
  }
}
