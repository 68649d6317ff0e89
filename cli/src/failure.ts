import { isPartnerCenterError, isServiceError } from "partner-center-client/errors";
import { exitCodeOf } from "./exit-codes.js";

/** How one failure is shown: a one-line message, the ids to quote to support, its exit code and a JSON form. */
export interface FailureReport {
  line: string;
  support: string | undefined;
  exitCode: number;
  json: Record<string, unknown>;
}

// What the library appends to its errors' messages: " [MS-RequestId <id>, MS-CorrelationId <id>]", either alone.
const IDS_SUFFIX = / \[MS-(RequestId|CorrelationId) [^\]]*\]$/;

/** An error's message on one line, without the ids the library appends (the CLI shows them on their own line or column). */
export function messageLine(error: Error): string {
  return oneLine(isPartnerCenterError(error) ? error.message.replace(IDS_SUFFIX, "") : error.message);
}

// Failures raised before any call reached the service: bad arguments or input, or no token to send with.
const NOT_SENT: ReadonlySet<string> = new Set(["InvalidInputError", "AuthenticationError"]);

/** Whether a failure came after a call was sent, so that it has ids worth quoting. By class name, as exitCodeOf. */
export function wasSent(error: unknown): boolean {
  return !NOT_SENT.has(String((error as { name?: unknown } | null)?.name));
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Describes an error for the terminal: class, service code and words, then the ids (`fallback` for those the answer lacked). */
export function describeFailure(error: unknown, fallback: { correlationId?: string } = {}): FailureReport {
  const exitCode = exitCodeOf(error);
  if (!isPartnerCenterError(error)) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      line: oneLine(`unexpected failure, ${text}`),
      support: undefined,
      exitCode,
      json: { error: "UnexpectedFailure", message: oneLine(text), exitCode },
    };
  }
  const message = messageLine(error);
  const service = isServiceError(error) ? error : undefined;
  const where = service ? ` (HTTP ${service.status}${service.code === undefined ? "" : `, code ${service.code}`})` : "";
  const words = service?.description ? oneLine(service.description) : message;
  const correlationId = error.correlationId ?? fallback.correlationId;
  const ids = [error.requestId && `MS-RequestId ${error.requestId}`, correlationId && `MS-CorrelationId ${correlationId}`].filter(Boolean);
  return {
    line: `${error.name}${where}: ${words}`,
    support: ids.length > 0 ? `Quote to Microsoft support: ${ids.join(", ")}` : undefined,
    exitCode,
    json: {
      error: error.name,
      ...(service && { status: service.status, code: service.code, description: service.description }),
      message,
      ...("problems" in error && { problems: error.problems }),
      requestId: error.requestId,
      correlationId,
      exitCode,
    },
  };
}
