/**
 * Response fuzzing (issue 4): every operation answered with generated bodies (fc.anything, fc.json,
 * fc.jsonValue), mutations of the spec's examples (fields dropped, types changed, nulls, huge numbers, unknown
 * enum values, deep nesting, strings no header can carry, next-page links inside and outside the base URL), JSON
 * cut off at random points, random bytes and empty bodies, under random 2xx and error statuses. Each call must end in a parsed result, a ServiceError (for
 * a non-2xx) or an UnexpectedResponseError (for a 2xx it cannot use), in lenient and strict mode alike: never
 * a TypeError, SyntaxError, RangeError, zod error or unhandled rejection. Whatever the answers say, no request
 * leaves the base URL and no header carries what an HTTP stack cannot send.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createPartnerCenterClient,
  GLOBAL_BASE_URL,
  type PartnerCenterClient,
  ServiceError,
  type Subscription,
  UnexpectedResponseError,
  type Upgrade,
  UpgradeRejectedError,
  type ValidationMode,
} from "../../src/index.js";
import { ids, specExample, staticCredential } from "../helpers.js";

// ---------------------------------------------------------------------------------------------------------
// The spec's examples, the bodies the mutations start from
// ---------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------
// Generated answers
// ---------------------------------------------------------------------------------------------------------

/** One change to an example body, at the `at`-th place of it (modulo the places there are). */
interface Mutation {
  at: number;
  kind: "delete" | "null" | "replace" | "string" | "etag" | "deep" | "deepExtra" | "extra";
  replacement: unknown;
  depth: number;
}

type BodySpec =
  | { kind: "example" }
  | { kind: "mutated"; mutations: Mutation[] }
  | { kind: "truncated"; at: number; mutations: Mutation[] }
  | { kind: "json"; text: string }
  | { kind: "value"; value: unknown }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "text"; text: string }
  | { kind: "fault"; fault: unknown }
  | { kind: "large"; copies: number }
  | { kind: "paged"; uri: unknown; token: unknown; mutations: Mutation[] };

/** An answer, described independently of the operation; it becomes a Response when a request arrives. */
interface AnswerSpec {
  status: number;
  body: BodySpec;
  headers: Record<string, string>;
  /** Which of the operation's examples to start from, modulo their number. */
  exampleIndex: number;
}

const OK_STATUSES = [200, 200, 200, 201, 202, 203, 204, 206, 299];
const ERROR_STATUSES = [400, 401, 403, 404, 405, 406, 408, 409, 410, 412, 418, 422, 429, 451, 500, 501, 502, 503, 504, 599];
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const status = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...OK_STATUSES) },
  { weight: 2, arbitrary: fc.constantFrom(...ERROR_STATUSES) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 200, max: 299 }), fc.integer({ min: 300, max: 599 })) },
);

const HUGE_AND_WRONG: unknown[] = [
  0,
  -1,
  1.5,
  -0.000001,
  1e308,
  -1e308,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  "",
  "x",
  "12",
  true,
  false,
  [],
  {},
  [null],
  { items: [] },
  "hibernating",
  "UPGRADE_ONLY",
  "UpgradeWithLicenseTransfer",
  "upgrade-only",
  99,
  -7,
  "group9",
  "tenant",
  "User ",
  "Monthly",
  "weekly",
];
const NASTY_TEXT = [
  "\r\n",
  "e\r\nX-Injected: 1",
  "\u0000",
  "\ud800",
  "\u2713",
  "ü",
  " ",
  "\t",
  "\u007f",
  "x".repeat(20_000),
  "<script>",
  "%0d%0a",
  "\\",
  '"',
];

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Mutation["kind"]>(
    "delete",
    "delete",
    "null",
    "replace",
    "replace",
    "string",
    "string",
    "etag",
    "etag",
    "deep",
    "deepExtra",
    "deepExtra",
    "extra",
  ),
  replacement: fc.oneof(
    fc.constantFrom(...HUGE_AND_WRONG),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(...NASTY_TEXT),
    fc.string({ unit: "binary", maxLength: 6 }),
  ),
  depth: fc.oneof(fc.integer({ min: 2, max: 120 }), fc.integer({ min: 5_000, max: 20_000 })),
});
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

const TEXTS = [
  "",
  " ",
  "\n\n",
  "null",
  "true",
  "0",
  "-0",
  "1e999",
  '""',
  '"items"',
  "[]",
  "{}",
  "[{}]",
  '{"items":null}',
  '{"items":{}}',
  '{"items":[null]}',
  "\ufeff{}",
  '{"totalCount":1,"items":[{',
  "{'items':[]}",
  "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
  "<html><body>Service Unavailable</body></html>",
  "undefined",
  "NaN",
  '{"__proto__":{"items":[]}}',
  '{"items":[],"items":7}',
  "[".repeat(50_000),
  '{"a":'.repeat(10_000),
];

/** Error bodies of every shape the service (and what stands before it) sends, and some it does not. */
const fault = fc.oneof(
  fc.record(
    {
      code: fc.oneof(
        fc.integer(),
        fc.string(),
        fc.constantFrom<unknown>(60012, "60012", " 900316 ", 900309, 2055, "2055", 800002, null, [], 1.5, 1e308),
      ),
      description: fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom<unknown>(null, 7, "", "   ", ["a"], "x".repeat(20_000))),
      data: fc.oneof(fc.array(fc.string()), fc.array(fc.anything({ maxDepth: 1 })), fc.constantFrom<unknown>(null, "data", {})),
      source: fc.oneof(fc.string(), fc.constantFrom<unknown>(null, 1)),
    },
    { requiredKeys: [] },
  ),
  fc.record({ statusCode: fc.oneof(fc.integer(), fc.string()), message: fc.oneof(fc.string(), fc.constant(null)) }, { requiredKeys: [] }),
);

// Next-page links: relative and absolute ones under the base URL, and ones that lead elsewhere.
const NEXT_URIS = [
  `/customers/${ids.customerId}/subscribedskus?seek=2`,
  "customers/next?seek=3",
  `${GLOBAL_BASE_URL}/customers/next?seek=4`,
  "/customers/%2e%2e/%2e%2e/x",
  "https://api.partnercenter.microsoft.com/v2/customers",
  "http://api.partnercenter.microsoft.com/v1/customers",
  "https://evil.example/v1/customers",
  "//evil.example/v1/customers",
  "https://api.partnercenter.microsoft.com.evil.example/v1/x",
  "https://user:pw@api.partnercenter.microsoft.com/v1/x",
  "javascript:alert(1)",
  "/../../etc/passwd",
  "",
  "?seek=5",
  "#x",
  "\\evil.example\\v1",
];
const TOKENS = ["c2Vlaz0y", "", " spaced ", "\r\nX-Injected: 1", "a\u0000b", "a\rb", "ü", "x".repeat(10_000)];
const paged = fc.record({
  uri: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NEXT_URIS) },
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.constantFrom<unknown>(null, 7, {}),
  ),
  token: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
    fc.string({ unit: "binary", maxLength: 10 }),
    fc.constantFrom<unknown>(undefined, null, 7),
  ),
  mutations: fc.array(mutation, { maxLength: 1 }),
});

const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "example" as const }) },
  { weight: 8, arbitrary: mutations.map((list) => ({ kind: "mutated" as const, mutations: list })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.array(mutation, { maxLength: 1 }))
      .map(([at, list]) => ({ kind: "truncated" as const, at, mutations: list })),
  },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ kind: "json" as const, text })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: "binary" }).map((value) => ({ kind: "value" as const, value })) },
  {
    weight: 1,
    arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withDate: true }).map((value) => ({ kind: "value" as const, value })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: "bytes" as const, bytes })) },
  { weight: 2, arbitrary: fc.constantFrom(...TEXTS).map((text) => ({ kind: "text" as const, text })) },
  { weight: 2, arbitrary: fault.map((value) => ({ kind: "fault" as const, fault: value })) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 300 }).map((copies) => ({ kind: "large" as const, copies })) },
  { weight: 3, arbitrary: paged.map((page) => ({ kind: "paged" as const, ...page })) },
);

const RETRY_AFTER = [
  "0",
  "1",
  "30",
  "-1",
  "1.5",
  "abc",
  "Wed, 21 Oct 2015 07:28:00 GMT",
  "Fri, 31 Dec 2100 23:59:59 GMT",
  "99999999999",
  "",
];
/** `arbitrary`'s value in `percent` % of the cases, else undefined. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ weight: percent, arbitrary }, { weight: 100 - percent, arbitrary: fc.constant(undefined) });
const headers: fc.Arbitrary<Record<string, string>> = fc
  .record({
    "Content-Type": sometimes(
      fc.constantFrom("application/json", "application/json; charset=utf-8", "text/html", "text/plain", "application/octet-stream"),
      80,
    ),
    "Retry-After": sometimes(fc.constantFrom(...RETRY_AFTER), 30),
    "MS-RequestId": sometimes(
      fc.oneof(
        fc.uuid(),
        fc.string({ maxLength: 40 }).filter((value) => /^[\x20-\x7e]*$/.test(value)),
      ),
      50,
    ),
    // Says "no body" whatever follows: openapi-fetch then reads none.
    "Content-Length": sometimes(fc.constant("0"), 5),
  })
  .map((record) => Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined)));

const answer: fc.Arbitrary<AnswerSpec> = fc.record({ status, body: bodySpec, headers, exampleIndex: fc.nat() });

// ---------------------------------------------------------------------------------------------------------
// Turning an answer spec into a Response
// ---------------------------------------------------------------------------------------------------------

// What an HTTP stack puts in a header (RFC 9110 field-value).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
type Container = Record<string, unknown> | unknown[];
const isContainer = (value: unknown): value is Container => typeof value === "object" && value !== null;
// Stands for a nesting too deep for JSON.stringify; replaced in the text afterwards.
const DEEP = "\u0000deep\u0000";

/** Every place in a body: the container and the key of each property and array element. */
function places(body: unknown): Array<{ parent: Container; key: string | number }> {
  const found: Array<{ parent: Container; key: string | number }> = [];
  const pending: unknown[] = [body];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (!isContainer(next)) continue;
    const keys: Array<string | number> = Array.isArray(next) ? next.map((_, index) => index) : Object.keys(next);
    for (const key of keys) {
      found.push({ parent: next, key });
      pending.push((next as Record<string | number, unknown>)[key]);
    }
  }
  return found;
}

/** Applies mutations to a copy of `body`; deep nestings are left as markers and noted in `deep`. */
function mutate(body: unknown, list: readonly Mutation[]): { value: unknown; deep: number[] } {
  const root = { body: structuredClone(body) as unknown };
  const deep: number[] = [];
  for (const change of list) {
    const all = [{ parent: root as Container, key: "body" as string | number }, ...places(root.body)];
    // "string" aims at the string values only, "etag" at the resource's etag (it goes back in If-Match).
    const strings = all.filter((place) => typeof (place.parent as Record<string | number, unknown>)[place.key] === "string");
    const candidates = change.kind === "string" && strings.length > 0 ? strings : all;
    const place = candidates[change.at % candidates.length]!;
    const target = place.parent as Record<string | number, unknown>;
    switch (change.kind) {
      case "delete":
        if (Array.isArray(place.parent) && typeof place.key === "number") place.parent.splice(place.key, 1);
        else if (place.parent !== root) delete target[place.key];
        break;
      case "null":
        target[place.key] = null;
        break;
      case "replace":
      case "string":
        target[place.key] = change.replacement;
        break;
      case "etag":
        if (isContainer(root.body) && !Array.isArray(root.body)) {
          const attributes = isContainer(root.body.attributes) ? root.body.attributes : (root.body.attributes = {});
          (attributes as Record<string, unknown>).etag = change.replacement;
        }
        break;
      case "deep":
        target[place.key] = `${DEEP}${deep.length}`;
        deep.push(change.depth);
        break;
      case "deepExtra": {
        // An unknown field, which the open schemas keep unchecked, holding a deep nesting.
        const holder =
          isContainer(target[place.key]) && !Array.isArray(target[place.key])
            ? (target[place.key] as Record<string, unknown>)
            : Array.isArray(place.parent)
              ? undefined
              : target;
        if (holder !== undefined && holder !== root) {
          holder[`unknownDeep${deep.length}`] = `${DEEP}${deep.length}`;
          deep.push(change.depth);
        }
        break;
      }
      case "extra":
        if (isContainer(target[place.key]) && !Array.isArray(target[place.key]))
          (target[place.key] as Record<string, unknown>)[`unknownField${change.at % 7}`] = change.replacement;
        else target[place.key] = [target[place.key], change.replacement];
        break;
    }
  }
  return { value: root.body, deep };
}

/** JSON text of a body, with each deep marker replaced by that many nested arrays. */
function textOf(value: unknown, deep: readonly number[] = []): string {
  let text = JSON.stringify(value) ?? "";
  deep.forEach((depth, index) => {
    text = text.replace(JSON.stringify(`${DEEP}${index}`), `${"[".repeat(depth)}${"]".repeat(depth)}`);
  });
  return text;
}

function bodyText(spec: BodySpec, base: unknown): string | Uint8Array<ArrayBuffer> {
  switch (spec.kind) {
    case "example":
      return JSON.stringify(base);
    case "mutated": {
      const { value, deep } = mutate(base, spec.mutations);
      return textOf(value, deep);
    }
    case "truncated": {
      const { value, deep } = mutate(base, spec.mutations);
      const text = textOf(value, deep);
      return text.slice(0, Math.floor(spec.at * text.length));
    }
    case "json":
    case "text":
      return spec.text;
    case "value":
      return textOf(spec.value);
    case "bytes":
      return new Uint8Array(spec.bytes);
    case "fault":
      return textOf(spec.fault);
    case "paged": {
      const { value, deep } = mutate(base, spec.mutations);
      if (isContainer(value) && !Array.isArray(value)) {
        const header = spec.token === undefined ? [] : [{ key: "MS-ContinuationToken", value: spec.token }];
        value.links = { ...(isContainer(value.links) ? value.links : {}), next: { uri: spec.uri, method: "GET", headers: header } };
      }
      return textOf(value, deep);
    }
    case "large": {
      const copy = structuredClone(base) as { items?: unknown[] };
      if (Array.isArray(copy.items))
        copy.items = Array.from({ length: spec.copies }, (_, index) => copy.items![index % Math.max(copy.items!.length, 1)] ?? {});
      else
        (copy as Record<string, unknown>).padding = Array.from({ length: spec.copies }, (_, index) => ({ index, text: "x".repeat(100) }));
      return JSON.stringify(copy);
    }
  }
}

function toResponse(spec: AnswerSpec, base: unknown): Response {
  const body = NULL_BODY_STATUSES.has(spec.status) ? null : bodyText(spec.body, base);
  return new Response(body, { status: spec.status, headers: spec.headers });
}

/** An unchanged example under a 2xx: the one answer every operation must accept. */
function isPristine(spec: AnswerSpec): boolean {
  return (
    spec.body.kind === "example" &&
    spec.status >= 200 &&
    spec.status < 300 &&
    !NULL_BODY_STATUSES.has(spec.status) &&
    spec.headers["Content-Length"] === undefined
  );
}

// ---------------------------------------------------------------------------------------------------------
// The operations
// ---------------------------------------------------------------------------------------------------------

const subscription = specExample("SubscriptionWithEtag") as Subscription;
const upgrade = (specExample("UpgradeCollection") as { items: Upgrade[] }).items[0]!;

interface Operation {
  name: string;
  call: (pc: PartnerCenterClient) => Promise<unknown>;
  /** The example each request is answered from, by method and path. */
  examples: (method: string, pathname: string) => string[];
  returnsList: boolean;
}

const licenseUpdate = () => ["LicenseUpdateCreated"];
const readWrite = (method: string) => [method === "GET" ? "SubscriptionWithEtag" : "SubscriptionPatched"];
const operations: Operation[] = [
  {
    name: "licenses.listSubscribedSkus",
    call: (pc) => pc.licenses.listSubscribedSkus(ids.customerId, { licenseGroupIds: ["group1"] }),
    examples: () => ["SubscribedSkuCollection"],
    returnsList: true,
  },
  {
    name: "licenses.listAssigned",
    call: (pc) => pc.licenses.listAssigned(ids.customerId, ids.userPrincipalName),
    examples: () => ["LicenseCollection"],
    returnsList: true,
  },
  {
    name: "licenses.update",
    call: (pc) => pc.licenses.update(ids.customerId, ids.userId, { licensesToAssign: [{ skuId: ids.skuId }] }),
    examples: licenseUpdate,
    returnsList: false,
  },
  {
    name: "licenses.assign",
    call: (pc) => pc.licenses.assign(ids.customerId, ids.userId, ids.skuId),
    examples: licenseUpdate,
    returnsList: false,
  },
  {
    name: "licenses.remove",
    call: (pc) => pc.licenses.remove(ids.customerId, ids.userId, [ids.skuId]),
    examples: licenseUpdate,
    returnsList: false,
  },
  {
    name: "subscriptions.get",
    call: (pc) => pc.subscriptions.get(ids.customerId, ids.subscriptionId),
    examples: () => ["SubscriptionWithEtag"],
    returnsList: false,
  },
  {
    name: "subscriptions.update",
    call: (pc) => pc.subscriptions.update(ids.customerId, { ...subscription, autoRenewEnabled: false }),
    examples: () => ["SubscriptionPatched"],
    returnsList: false,
  },
  {
    name: "subscriptions.modify",
    call: (pc) => pc.subscriptions.modify(ids.customerId, ids.subscriptionId, (current) => ({ ...current, quantity: 2 })),
    examples: readWrite,
    returnsList: false,
  },
  {
    name: "subscriptions.setAutoRenew",
    call: (pc) => pc.subscriptions.setAutoRenew(ids.customerId, ids.subscriptionId, false),
    examples: readWrite,
    returnsList: false,
  },
  {
    name: "upgrades.list",
    call: (pc) => pc.upgrades.list(ids.customerId, ids.subscriptionId),
    examples: () => ["UpgradeCollection"],
    returnsList: true,
  },
  {
    name: "upgrades.perform",
    call: (pc) => pc.upgrades.perform(ids.customerId, ids.subscriptionId, upgrade, { quantity: 5 }),
    examples: () => ["UpgradeResultSuccess", "UpgradeResultWithErrors"],
    returnsList: false,
  },
];

// ---------------------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------------------

/** The answers of the case being run, served in turn; then the unchanged example (so paging and re-reads end). */
let script: AnswerSpec[] = [];
let served: AnswerSpec[] = [];
let strayed: string[] = [];
let operation: Operation | undefined;
const PRISTINE: AnswerSpec = { status: 200, body: { kind: "example" }, headers: {}, exampleIndex: 0 };

async function scriptedFetch(request: Request): Promise<Response> {
  const spec = script[served.length] ?? PRISTINE;
  served.push(spec);
  // Whatever the answers said (next-page links included), the token goes nowhere but under the base URL, and
  // every header is one an HTTP stack can send (nothing from a body smuggles CR/LF or controls into one).
  if (!request.url.startsWith(`${GLOBAL_BASE_URL}/`)) strayed.push(request.url);
  for (const [name, value] of request.headers) if (!HEADER_VALUE.test(value)) strayed.push(`${name}: ${JSON.stringify(value)}`);
  const pathname = new URL(request.url).pathname;
  const names = operation!.examples(request.method, pathname);
  return toResponse(spec, specExample(names[spec.exampleIndex % names.length]!));
}

const clients: Record<Exclude<ValidationMode, "off">, PartnerCenterClient> = {
  lenient: createPartnerCenterClient({ credential: staticCredential(), retry: false, fetch: scriptedFetch }),
  strict: createPartnerCenterClient({ credential: staticCredential(), retry: false, fetch: scriptedFetch, validation: "strict" }),
};

/** Cases per operation: 11 operations x 500 = 5,500 calls, each answered by up to 4 generated answers. */
const RUNS_PER_OPERATION = 500;
const stats = { cases: 0, parsed: 0, service: 0, unexpected: 0, other: 0, operations: new Set<string>() };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

function describeError(error: unknown): string {
  if (error instanceof Error)
    return `${error.constructor.name} (${error.name}): ${error.message.slice(0, 300)}\n${error.stack?.split("\n").slice(1, 6).join("\n")}`;
  return `a non-Error: ${String(error)}`;
}

async function runCase(subject: Operation, mode: "lenient" | "strict", answers: AnswerSpec[]): Promise<void> {
  script = answers;
  served = [];
  strayed = [];
  operation = subject;
  stats.cases += 1;
  stats.operations.add(subject.name);
  let result: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    result = { ok: true, value: await subject.call(clients[mode]) };
  } catch (error) {
    result = { ok: false, error };
  }
  const statuses = served.map((spec) => spec.status);
  expect(served.length, "the call asked for an answer").toBeGreaterThan(0);
  expect(strayed, "requests outside the base URL, or headers no HTTP stack can send").toEqual([]);

  if (result.ok) {
    stats.parsed += 1;
    expect(statuses.at(-1)).toBeGreaterThanOrEqual(200);
    expect(statuses.at(-1)).toBeLessThan(300);
    if (subject.returnsList) expect(Array.isArray(result.value)).toBe(true);
    else expect(typeof result.value === "object" && result.value !== null).toBe(true);
    return;
  }
  const { error } = result;
  if (error instanceof UpgradeRejectedError && subject.name === "upgrades.perform") {
    // A 200 listing upgradeErrors: parsed, then reported as documented; the answer is on the error.
    stats.parsed += 1;
    expect(typeof error.result === "object" && error.result !== null).toBe(true);
    expect((error.result.upgradeErrors ?? []).length).toBeGreaterThan(0);
    return;
  }
  if (error instanceof ServiceError) {
    stats.service += 1;
    expect(statuses.filter((code) => code < 200 || code >= 300)).toContain(error.status);
    expect(error.message).toContain(`${subject.name} failed with HTTP ${error.status}`);
    return;
  }
  if (error instanceof UnexpectedResponseError) {
    stats.unexpected += 1;
    expect(error.status).toBeGreaterThanOrEqual(200);
    expect(error.status).toBeLessThan(300);
    expect(error.problems.length).toBeGreaterThan(0);
    // Pristine answers must never be refused.
    expect(served.every(isPristine), "an unchanged example was refused").toBe(false);
    return;
  }
  stats.other += 1;
  throw new Error(
    `${subject.name} (${mode}) ended in neither a result, a ServiceError nor an UnexpectedResponseError: ${describeError(error)}`,
  );
}

beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});

afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  console.log(
    `response fuzzing: ${stats.cases} cases across ${stats.operations.size} operations, ${stats.parsed} parsed, ${stats.service} service errors, ${stats.unexpected} unexpected-response errors, ${stats.other} other errors`,
  );
});

describe("response fuzzing", () => {
  test.each(operations.map((subject) => [subject.name, subject] as const))(
    "%s ends in a parsed result, a ServiceError or an UnexpectedResponseError, in lenient and strict mode",
    async (_, subject) => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("lenient" as const, "strict" as const),
          fc.array(answer, { minLength: 1, maxLength: 4 }),
          (mode, answers) => runCase(subject, mode, answers),
        ),
        { numRuns: RUNS_PER_OPERATION },
      );
    },
    30_000,
  );

  test.each(operations.flatMap((subject) => (["lenient", "strict"] as const).map((mode) => [subject.name, mode, subject] as const)))(
    "%s accepts every unchanged example of the spec in %s mode",
    async (_, mode, subject) => {
      for (let exampleIndex = 0; exampleIndex < 2; exampleIndex += 1) {
        const pristine: AnswerSpec = { status: 200, body: { kind: "example" }, headers: {}, exampleIndex };
        await runCase(subject, mode, [pristine]);
      }
    },
  );

  test("reaches all three outcomes and leaves no rejection unhandled", async () => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(unhandled).toEqual([]);
    expect(stats.other).toBe(0);
    expect(stats.operations.size).toBe(operations.length);
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.service).toBeGreaterThan(0);
    expect(stats.unexpected).toBeGreaterThan(0);
  });
});

// A bug the fuzzer found, kept as a test of its own.
describe("found by fuzzing", () => {
  test("a next-page continuation token no HTTP header can carry ends in UnexpectedResponseError", async () => {
    for (const token of ["\u2713", "a\u0001b"]) {
      const page: AnswerSpec = {
        status: 200,
        body: { kind: "paged", uri: "/customers/next?seek=2", token, mutations: [] },
        headers: {},
        exampleIndex: 0,
      };
      script = [page];
      served = [];
      strayed = [];
      operation = operations[0];
      const error = await clients.lenient.licenses.listSubscribedSkus(ids.customerId).catch((caught: unknown) => caught);
      expect(strayed).toEqual([]);
      expect(error).toBeInstanceOf(UnexpectedResponseError);
    }
  });
});
