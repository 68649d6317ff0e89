/**
 * Keeps credentials out of everything the library produces: error messages, service text copied into errors,
 * and the causes errors carry.
 */

// The redaction rule, applied to every message, service text and cause: each exact secret the caller names (Entra
// refresh tokens are opaque, so only their value identifies them), then these shapes: JWTs (`eyJ...`: Entra access
// and id tokens), `Bearer`/`Basic` credentials (a value with a digit or a symbol, or 20+ characters, so that
// "Business Basic subscriptions" or "Bearer token expired" keep their words), and the values of `client_secret`,
// `refresh_token`, `access_token`, `id_token`, `client_assertion` and `password` written as a form field, query
// parameter, JSON member or header. It errs towards hiding, which is cheaper than a leaked credential.
const secretShapes: ReadonlyArray<readonly [RegExp, string]> = [
  [/\beyJ[\w-]+(?:\.[\w-]*)*/g, "[redacted]"],
  [/\b(Bearer|Basic)\s+(?=[\w.~+/=-]*[\d.~+/=_-]|[\w.~+/=-]{20})[\w.~+/=-]+/gi, "$1 [redacted]"],
  [/\b(client_secret|refresh_token|access_token|id_token|client_assertion|password)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi, "$1$2[redacted]"],
];

/** Replaces each named secret and every secret-shaped value (see the rule above) in `text` with "[redacted]". */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = cutPlain(text, secrets);
  for (const [shape, replacement] of secretShapes) result = result.replace(shape, replacement);
  return result;
}

/** "Name: message" of an error, redacted: what an auth error message may say about its cause. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redactSecrets(text, secrets);
}

/**
 * Redacts, in place, the strings of an error, its causes and the plain objects it holds; returns the error.
 * In place so the cause keeps its class and codes (callers branch on msal's AuthError `errorCode`);
 * needed because util.inspect and console.error print `cause` even though JSON.stringify skips it.
 */
export function scrubError<T>(error: T, secrets: readonly string[] = [], depth = 0): T {
  if (typeof error === "string") return redactSecrets(error, secrets) as T;
  if (depth > 4 || typeof error !== "object" || error === null || !(error instanceof Error || isPlain(error))) return error;
  const target = error as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(target)) {
    // A string under a secret's name ({ refresh_token: "..." }) is a secret whatever it looks like.
    const scrubbed = typeof target[key] === "string" && secretKey.test(key) ? "[redacted]" : scrubError(target[key], secrets, depth + 1);
    if (scrubbed !== target[key]) trySet(target, key, scrubbed);
  }
  return error;
}

// Property names of secrets, in snake_case, camelCase or kebab-case.
const secretKey = /^(client[_-]?secret|refresh[_-]?token|access[_-]?token|id[_-]?token|client[_-]?assertion|password|authorization)$/i;

// Only errors and plain data are walked: never sockets, requests or class instances that merely hang off an error.
function isPlain(value: object): boolean {
  return [Object.prototype, Array.prototype, null].includes(Object.getPrototypeOf(value));
}

function trySet(target: Record<string, unknown>, key: string, value: unknown): void {
  try {
    target[key] = value;
  } catch {
    // A frozen or getter-only property: nothing we can do, and failing here would hide the real error.
  }
}

/**
 * `text` with each of `tokens` (exact values, such as the credentials a call sent) cut out. JSON escapes
 * (`\u0065yJ`, `\/`) could spell a token the plain search misses: then the decoded strings are searched too.
 */
export function cutTokens(text: string, tokens: ReadonlySet<string>): string {
  if (tokens.size === 0) return text;
  // A backslash first, with a plain search: most answers have none, and the pattern would scan them all again.
  if (text.includes("\\") && /\\[u/]/i.test(text)) {
    try {
      let hit = false;
      const json = JSON.stringify(JSON.parse(text), (_key, value: unknown) => {
        if (typeof value !== "string") return value;
        const clean = cutPlain(value, tokens);
        hit ||= clean !== value;
        return clean;
      });
      if (hit) return json;
    } catch {
      // Not JSON: the plain search below is all there is.
    }
  }
  return cutPlain(text, tokens);
}

/** The headers as they are, or a copy with each of `tokens` cut out of their values if one holds any. */
export function withoutTokensInHeaders(headers: Headers, tokens: ReadonlySet<string>): Headers {
  if (tokens.size === 0) return headers;
  let holdsToken = false;
  headers.forEach((value) => {
    holdsToken ||= cutPlain(value, tokens) !== value;
  });
  if (!holdsToken) return headers;
  const clean = new Headers();
  headers.forEach((value, name) => {
    clean.append(name, cutPlain(value, tokens));
  });
  return clean;
}

function cutPlain(text: string, tokens: Iterable<string>): string {
  let result = text;
  for (const token of tokens) if (token && result.includes(token)) result = result.split(token).join("[redacted]");
  return result;
}
