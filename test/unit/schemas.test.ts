import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import YAML from "yaml";
import { z } from "zod";
import { exactTest } from "../../src/schemas/exact.js";
import {
  BILLING_CYCLES,
  BILLING_TYPES,
  CONTRACT_TYPES,
  collectionOf,
  LICENSE_GROUP_IDS,
  licenseSchemas,
  MAX_PROBLEMS,
  normalizeUpgradeErrorCode,
  normalizeUpgradeType,
  parseResponse,
  type ResponseSchemaName,
  responseSchemas,
  SUBSCRIPTION_STATUSES,
  TARGET_TYPES,
  UPGRADE_ERROR_CODES,
  UPGRADE_TYPES,
  type ValidationMode,
} from "../../src/schemas.js";

// yaml is a dependency of the tooling already installed (redocly, vite); version 1.x exports `parse` on the default.
const spec: unknown = YAML.parse(readFileSync(new URL("../../openapi/partner-center.yaml", import.meta.url), "utf8"));
const checking: ValidationMode[] = ["lenient", "strict"];

function at(node: unknown, key: string): unknown {
  return typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
}
function entriesOf(node: unknown): [string, unknown][] {
  return typeof node === "object" && node !== null ? Object.entries(node) : [];
}
function deref(node: unknown): unknown {
  const ref = at(node, "$ref");
  return typeof ref === "string" ? deref(ref.replace(/^#\//, "").split("/").reduce(at, spec)) : node;
}

interface ExampleCase {
  schema: string;
  label: string;
  body: unknown;
}

// The JSON examples of one request or response, with the name of the schema they illustrate.
function examplesOf(content: unknown, label: string): ExampleCase[] {
  const media = at(content, "application/json");
  const schema =
    String(at(at(media, "schema"), "$ref") ?? "")
      .split("/")
      .pop() ?? "";
  return entriesOf(at(media, "examples")).map(([key, example]) => ({
    schema,
    label: `${label} ${key}`,
    body: at(deref(example), "value"),
  }));
}

// Every response example, and the request examples of schemas the library also parses (Subscription, Upgrade).
function collectExamples(): { responses: ExampleCase[]; requests: ExampleCase[] } {
  const responses: ExampleCase[] = [];
  const requests: ExampleCase[] = [];
  for (const [, item] of entriesOf(at(spec, "paths"))) {
    for (const [, operation] of entriesOf(item)) {
      const id = String(at(operation, "operationId"));
      for (const [status, response] of entriesOf(at(operation, "responses")))
        responses.push(...examplesOf(at(deref(response), "content"), `${id} ${status}`));
      requests.push(...examplesOf(at(deref(at(operation, "requestBody")), "content"), `${id} request`));
    }
  }
  const unique = (cases: ExampleCase[]) => [...new Map(cases.map((c) => [`${c.schema} ${JSON.stringify(c.body)}`, c])).values()];
  return { responses: unique(responses), requests: unique(requests).filter((c) => c.schema in responseSchemas) };
}

const examples = collectExamples();

describe("spec examples", () => {
  test("every response schema in the spec has a zod schema", () => {
    expect(examples.responses.length).toBeGreaterThan(20);
    expect(new Set(examples.requests.map((c) => c.schema))).toEqual(new Set(["Subscription", "Upgrade"]));
    for (const { schema } of examples.responses) expect(Object.keys(responseSchemas)).toContain(schema);
  });

  test.each(checking.flatMap((mode) => [...examples.responses, ...examples.requests].map((c) => ({ ...c, mode }))))(
    "$label parses as $schema in $mode mode",
    ({ schema, body, mode }) => {
      expect(parseResponse(schema as ResponseSchemaName, body, mode)).toMatchObject({ ok: true });
    },
  );
});

describe("enum value lists", () => {
  test.each([
    ["SubscriptionStatus", SUBSCRIPTION_STATUSES],
    ["BillingCycle", BILLING_CYCLES],
    ["BillingType", BILLING_TYPES],
    ["ContractType", CONTRACT_TYPES],
    ["TargetType", TARGET_TYPES],
    ["LicenseGroupId", LICENSE_GROUP_IDS],
    ["UpgradeType", UPGRADE_TYPES],
    ["UpgradeErrorCode", UPGRADE_ERROR_CODES],
  ] as const)("%s lists the spec's known values", (name, values) => {
    const [names, integers] = (at(at(at(at(spec, "components"), "schemas"), name), "anyOf") as unknown[]).map((branch) =>
      at(branch, "enum"),
    );
    expect(names).toEqual(values);
    // Where the spec also lists integers, the index in the list is the integer.
    if (integers !== undefined) expect(integers).toEqual(values.map((_, index) => index));
  });
});

const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

describe("normalisation", () => {
  test.each<[string | number, string]>([
    [0, "none"],
    [1, "upgrade_only"],
    [2, "upgrade_with_license_transfer"],
    ["2", "upgrade_with_license_transfer"],
    ["upgrade_only", "upgrade_only"],
    ["UpgradeOnly", "upgrade_only"],
    ["UpgradeWithLicenseTransfer", "upgrade_with_license_transfer"],
    ["None", "none"],
    ["UPGRADE_ONLY", "upgrade_only"],
    [42, "42"],
    ["upgrade_sideways", "upgrade_sideways"],
    ["UpgradeSideways", "UpgradeSideways"],
  ])("UpgradeType %j -> %j", (input, expected) => {
    expect(normalizeUpgradeType(input)).toBe(expected);
  });

  test.each(UPGRADE_ERROR_CODES.flatMap((name, index) => [[index, name] as const, [name, name] as const, [pascal(name), name] as const]))(
    "UpgradeErrorCode %j -> %j",
    (input, expected) => {
      expect(normalizeUpgradeErrorCode(input)).toBe(expected);
    },
  );

  test("unknown error codes stay as given, integers as their decimal string", () => {
    expect([normalizeUpgradeErrorCode(12), normalizeUpgradeErrorCode(-1), normalizeUpgradeErrorCode("BrandNewReason")]).toEqual([
      "12",
      "-1",
      "BrandNewReason",
    ]);
  });

  test.each(checking)("parsing normalises upgradeType and error codes in %s mode", (mode) => {
    const body = { items: [{ upgradeType: 1, upgradeErrors: [{ code: "SubscriptionAddOnsPresent" }, { code: 4 }] }] };
    expect(parseResponse("UpgradeCollection", body, mode)).toEqual({
      ok: true,
      value: {
        items: [
          { upgradeType: "upgrade_only", upgradeErrors: [{ code: "subscription_add_ons_present" }, { code: "concurrency_conflicts" }] },
        ],
      },
    });
    const result = parseResponse("UpgradeResult", { upgradeType: "UpgradeWithLicenseTransfer" }, mode);
    expect(result).toEqual({ ok: true, value: { upgradeType: "upgrade_with_license_transfer" } });
  });
});

// A subscription as read, with fields this library has never heard of, at the top and nested.
const futureSubscription = {
  id: "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e",
  status: "active",
  autoRenewEnabled: true,
  futureField: { nested: [1, { kept: true }], empty: null },
  links: { self: { uri: "/s", method: "GET", headers: [{ key: "k", value: "v", extra: 1 }], newLinkField: "x" }, newLink: { uri: "/n" } },
  scheduledNextTermInstructions: { product: { productId: "CFQ7TTC0LH18", skuId: "0001" }, quantity: 2 },
  attributes: { etag: "abc", objectType: "Subscription", newAttribute: [true] },
};

describe("unknown fields", () => {
  test.each(checking)("a subscription keeps every unknown field, nested ones too, in %s mode", (mode) => {
    const result = parseResponse("Subscription", structuredClone(futureSubscription), mode);
    expect(result).toStrictEqual({ ok: true, value: futureSubscription });
  });

  test("a subscription read, changed and written back loses nothing (GET -> PATCH)", () => {
    const result = parseResponse("Subscription", JSON.parse(JSON.stringify(futureSubscription)), "lenient");
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const patchBody = JSON.parse(JSON.stringify({ ...result.value, autoRenewEnabled: false }));
    expect(patchBody).toStrictEqual({ ...futureSubscription, autoRenewEnabled: false });
  });

  test("an upgrade keeps unknown fields of its offer and errors, so it can be posted back", () => {
    const upgrade = {
      targetOffer: { id: "o", newOfferField: { a: 1 }, additionalProperties: { anything: [1] } },
      upgradeType: "upgrade_only",
      upgradeErrors: [{ code: "other", hint: "h" }],
      extra: 1,
    };
    expect(parseResponse("Upgrade", structuredClone(upgrade), "strict")).toStrictEqual({ ok: true, value: upgrade });
  });

  test("collections keep unknown fields of the envelope and the items", () => {
    const page = { totalCount: 1, items: [{ productSku: { id: "s", newSkuField: 1 } }], continuationToken: "t" };
    expect(parseResponse("SubscribedSkuCollection", structuredClone(page), "lenient")).toStrictEqual({ ok: true, value: page });
  });
});

describe("unknown enum values", () => {
  test.each<[ResponseSchemaName, unknown, string, unknown]>([
    ["Subscription", { status: "transferring" }, "status", "transferring"],
    ["Subscription", { billingCycle: "quadrennial" }, "billingCycle", "quadrennial"],
    ["Subscription", { billingType: "credit" }, "billingType", "credit"],
    ["Subscription", { contractType: "voucher" }, "contractType", "voucher"],
    ["SubscribedSku", { productSku: { targetType: "Device" } }, "productSku.targetType", "Device"],
    ["SubscribedSku", { productSku: { licenseGroupId: "group3" } }, "productSku.licenseGroupId", "group3"],
    ["License", { servicePlans: [{ targetType: "Device" }] }, "servicePlans[0].targetType", "Device"],
    ["Upgrade", { upgradeType: "upgrade_sideways" }, "upgradeType", "upgrade_sideways"],
    ["Upgrade", { upgradeType: 7 }, "upgradeType", "7"],
    ["Upgrade", { targetOffer: { supportedBillingCycles: ["monthly", "weekly"] } }, "targetOffer.supportedBillingCycles[1]", "weekly"],
    ["UpgradeResult", { upgradeType: "UpgradeSideways" }, "upgradeType", "UpgradeSideways"],
    ["UpgradeResult", { upgradeErrors: [{ code: 42 }] }, "upgradeErrors[0].code", "42"],
  ])("%s %j passes in lenient mode and fails in strict mode", (schema, body, path, kept) => {
    const lenient = parseResponse(schema, body, "lenient");
    expect(
      lenient.ok &&
        path
          .split(/[.[\]]+/)
          .filter(Boolean)
          .reduce(at, lenient.value as unknown),
    ).toBe(kept);
    const strict = parseResponse(schema, body, "strict");
    expect(strict.ok).toBe(false);
    expect(strict.ok || strict.problems).toEqual([
      expect.stringMatching(new RegExp(`^${path.replace(/[.[\]]/g, "\\$&")}: unknown value "${kept}"; strict mode accepts `)),
    ]);
  });
});

describe("wrong types", () => {
  test.each<[ResponseSchemaName, unknown, string[]]>([
    ["SubscribedSkuCollection", { items: { 0: {} } }, ["items: Invalid input: expected array, received object"]],
    ["SubscribedSkuCollection", { totalCount: 1 }, ["items: Invalid input: expected array, received undefined"]],
    ["Subscription", { quantity: "5" }, ["quantity: Invalid input: expected number, received string"]],
    [
      "Subscription",
      { autoRenewEnabled: "false", actions: "Cancel" },
      ["autoRenewEnabled: Invalid input: expected boolean, received string", "actions: Invalid input: expected array, received string"],
    ],
    ["LicenseUpdate", { licensesToAssign: [{ skuId: 5 }] }, ["licensesToAssign[0].skuId: Invalid input: expected string, received number"]],
    [
      "UpgradeResult",
      { licenseErrors: [{ errors: [{ code: true }] }] },
      ["licenseErrors[0].errors[0].code: expected an integer or a string"],
    ],
    ["Upgrade", { upgradeType: 1.5 }, ["upgradeType: expected an integer or a string"]],
    ["Subscription", null, ["(body): Invalid input: expected object, received null"]],
    ["LicenseCollection", "<html>", ["(body): Invalid input: expected object, received string"]],
  ])("%s %j is refused with readable problems", (schema, body, problems) => {
    for (const mode of checking) expect(parseResponse(schema, body, mode)).toEqual({ ok: false, problems });
  });

  test(`at most ${MAX_PROBLEMS} problems are listed, the rest counted`, () => {
    const items = Array.from({ length: 15 }, () => ({ availableUnits: "many" }));
    const result = parseResponse("SubscribedSkuCollection", { items }, "lenient");
    expect(result.ok || result.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(result.ok || result.problems.at(-1)).toBe("...and 5 more problems");
  });
});

describe("special fields", () => {
  test.each<[unknown, unknown]>([
    [2055, 2055],
    ["2055", 2055],
    ["E-TAG", "E-TAG"],
  ])("ServiceFault code %j is accepted as %j", (code, expected) => {
    expect(parseResponse("ServiceFault", { code }, "strict")).toEqual({ ok: true, value: { code: expected } });
  });

  test.each<[ResponseSchemaName, unknown]>([
    ["LicenseUpdate", { licensesToAssign: null, licensesToRemove: null, licenseWarnings: null }],
    ["LicenseUpdate", { licensesToAssign: [{ skuId: "s", excludedPlans: null }] }],
    ["UpgradeResult", { upgradeErrors: null, licenseErrors: null }],
    ["Upgrade", { upgradeErrors: [{ code: 0, additionalDetails: null }] }],
    ["ServiceFault", { data: null }],
    ["Subscription", { parentSubscriptionId: null }],
  ])("%s accepts null where the spec says nullable: %j", (schema, body) => {
    for (const mode of checking) expect(parseResponse(schema, body, mode).ok).toBe(true);
  });
});

describe("parseResponse", () => {
  test("mode off returns the very same body without looking at it", () => {
    const body = { items: "not an array", quantity: "x" };
    expect(parseResponse("SubscribedSkuCollection", body, "off")).toEqual({ ok: true, value: body });
    const off = parseResponse("Subscription", body, "off");
    expect(off.ok && off.value).toBe(body);
  });

  test("lenient is the default mode", () => {
    expect(parseResponse("Subscription", { status: "transferring" }).ok).toBe(true);
  });

  test("a ResponseSchema is parsed in the build of the mode", () => {
    expect(parseResponse(licenseSchemas.subscribedSkus, { items: [{ productSku: { targetType: "Device" } }] }, "lenient").ok).toBe(true);
    expect(parseResponse(licenseSchemas.subscribedSkus, { items: [{ productSku: { targetType: "Device" } }] }, "strict").ok).toBe(false);
  });

  test("a plain zod schema, such as a collection of any item, is used as is", () => {
    const page = collectionOf(z.object({ n: z.int() }));
    expect(parseResponse(page, { items: [{ n: 1 }] }, "strict")).toEqual({ ok: true, value: { items: [{ n: 1 }] } });
    expect(parseResponse(page, { items: [{ n: "1" }] }, "lenient")).toEqual({
      ok: false,
      problems: ["items[0].n: Invalid input: expected number, received string"],
    });
  });

  describe("parseResponse gives what the schema's own parse gives", () => {
    const whole = (schema: z.ZodType, body: unknown) => {
      const result = schema.safeParse(body);
      return result.success ? { ok: true, value: result.data } : { ok: false };
    };
    const subscription = responseSchemas.Subscription;
    const bodies: unknown[] = [
      { id: "s-1", quantity: 3, status: "active", attributes: { etag: "e" } },
      { id: "s-1", quantity: 3, status: "active", attributes: { etag: "e" }, futureField: [1, { a: 2 }] },
      { id: "s-1", quantity: "3", status: 7 },
      { quantity: 3, id: "s-1" },
      { id: "s-1", status: 7 },
      {},
      { toString: "shadowing a prototype key", constructor: 1 },
    ];
    test.each(checking)("subscriptions, %s", (mode) => {
      for (const body of [...bodies, ...bodies]) {
        const parsed = parseResponse(subscription, body, mode);
        const expected = whole(subscription[mode as "lenient" | "strict"], body);
        expect(parsed.ok).toBe(expected.ok);
        if (parsed.ok) expect(parsed.value).toStrictEqual(expected.value);
      }
    });

    test("a required key, a default and an object's own refinement still count when the answer lacks the key", () => {
      const required = z.looseObject({ id: z.string(), name: z.string().optional() });
      expect(parseResponse(required, { name: "n" }).ok).toBe(false);
      const defaulted = z.looseObject({ n: z.number().default(5), m: z.string().optional() });
      expect(parseResponse(defaulted, { m: "x" })).toEqual({ ok: true, value: { n: 5, m: "x" } });
      const refined = z.looseObject({ a: z.string().optional(), b: z.string().optional() }).refine((value) => value.b !== undefined);
      expect(parseResponse(refined, { a: "x" }).ok).toBe(false);
    });

    test("answers with ever new keys are parsed, and checked", () => {
      for (let n = 0; n < 40; n += 1) {
        const body = { id: "s", [`extra${n}`]: n, quantity: n };
        expect(parseResponse(subscription, body)).toEqual({ ok: true, value: body });
      }
      expect(parseResponse(subscription, { id: "s", extra99: 1, quantity: "x" }).ok).toBe(false);
    });
  });
});

describe("the exact test (exact.ts): an answer it passes is what zod's parse returns", () => {
  type Place = { holder: Record<string, unknown> | unknown[]; key: string | number };
  type Change = { at: number; kind: "delete" | "replace" | "add" | "proto"; value: unknown; key: string };

  // Every place a value sits in `body`, the body's own keys and indexes included.
  function placesIn(value: unknown, places: Place[] = []): Place[] {
    if (Array.isArray(value)) value.forEach((item, index) => places.push({ holder: value, key: index }) && placesIn(item, places));
    else if (typeof value === "object" && value !== null)
      for (const [key, item] of Object.entries(value))
        places.push({ holder: value as Record<string, unknown>, key }) && placesIn(item, places);
    return places;
  }

  function changed(body: unknown, changes: Change[]): unknown {
    const copy = structuredClone(body);
    for (const change of changes) {
      const places = placesIn(copy);
      if (places.length === 0) break;
      const { holder, key } = places[change.at % places.length]!;
      const target = holder as Record<string | number, unknown>;
      if (change.kind === "replace") target[key] = change.value;
      else if (change.kind === "delete" && !Array.isArray(holder)) delete target[key];
      else if (change.kind === "add" && !Array.isArray(holder)) target[change.key] = change.value;
      else if (change.kind === "proto" && !Array.isArray(holder))
        Object.defineProperty(holder, "__proto__", { value: change.value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }

  const near = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(null, "", "x", 0, 1.5, -1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, true, [], {}, "etag\u0001", "é"),
  );
  const change = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom("delete", "replace", "replace", "add", "proto"),
    value: near,
    key: fc.constantFrom("extra", "id", "items", "etag", "quantity", "status", "attributes", "constructor"),
  });
  const cases = checking.flatMap((mode) => examples.responses.map((example) => ({ ...example, mode })));

  test.each(cases)("$label ($schema, $mode) and its changed copies", ({ schema, body, mode }) => {
    const zodSchema = responseSchemas[schema as ResponseSchemaName][mode as "lenient" | "strict"] as z.ZodType;
    const exact = exactTest(zodSchema);
    fc.assert(
      fc.property(fc.array(change, { maxLength: 3 }), (changes) => {
        const answer = changed(body, changes);
        if (!exact?.(answer)) return;
        const parsed = zodSchema.safeParse(answer);
        expect(parsed.success).toBe(true);
        // toEqual, not toStrictEqual: the latter compares `constructor`, which an answer may hold as a key (NaN there
        // never equals itself).
        expect(parsed.data).toEqual(answer);
      }),
      { numRuns: 60 },
    );
  });

  test("the schemas that cannot change a value have a test in lenient mode, and their examples pass it", () => {
    const tested = Object.entries(responseSchemas).filter(([, schema]) => exactTest(schema.lenient as z.ZodType));
    expect(tested.map(([name]) => name).sort()).toEqual(
      [
        "LicenseCollection",
        "License",
        "LicenseUpdate",
        "SubscribedSkuCollection",
        "SubscribedSku",
        "Subscription",
        "ThrottleFault",
        "CustomerCollection",
        "Customer",
        "CustomerUserCollection",
        "CustomerUser",
        "SubscriptionCollection",
      ].sort(),
    );
    const answers = examples.responses.filter(({ schema }) => tested.some(([name]) => name === schema));
    expect(answers.length).toBeGreaterThan(5);
    for (const { schema, body } of answers)
      expect(exactTest(responseSchemas[schema as ResponseSchemaName].lenient as z.ZodType)!(body)).toBe(true);
  });

  test("a schema that may change a value, or that zod checks with a function, has no test", () => {
    expect(exactTest(responseSchemas.Upgrade.lenient)).toBeUndefined();
    expect(exactTest(responseSchemas.ServiceFault.lenient)).toBeUndefined();
    expect(exactTest(responseSchemas.Subscription.strict)).toBeUndefined();
    expect(exactTest(z.looseObject({ n: z.number().default(1) }))).toBeUndefined();
    expect(exactTest(z.object({ n: z.number() }))).toBeUndefined();
    expect(exactTest(z.string().min(1))).toBeUndefined();
    // A format schema holds its check in its own def: "a" is no e-mail address, UUID or date-time to zod.
    for (const format of [z.email(), z.uuid(), z.iso.datetime(), z.looseObject({ at: z.iso.datetime() })]) {
      expect(format.safeParse("a").success).toBe(false);
      expect(exactTest(format)).toBeUndefined();
    }
    expect(exactTest(z.looseObject({ n: z.coerce.number() }))).toBeUndefined();
  });

  test.each([
    ["a class instance", new (class Answer {})()],
    ["an object without a prototype", Object.create(null)],
    ["an own __proto__ key", JSON.parse('{"__proto__": {"etag": "x"}}')],
    ["a missing required key", {}],
    ["NaN", { totalCount: Number.NaN, items: [] }],
    ["an unsafe integer", { totalCount: 2 ** 53, items: [] }],
  ])("%s is left to zod", (_, answer) => {
    expect(exactTest(responseSchemas.LicenseCollection.lenient)!(answer)).toBe(false);
  });

  test("a record with a symbol key is left to zod, which refuses it", () => {
    const lineItem = { [Symbol("s")]: 1 };
    const answer = { id: "s-1", lineItems: [lineItem] };
    expect(exactTest(responseSchemas.Subscription.lenient)!(answer)).toBe(false);
    expect(responseSchemas.Subscription.lenient.safeParse(answer).success).toBe(false);
  });

  test("a key of unknown type may hold anything, but zod wants it there unless it is optional", () => {
    const schema = z.looseObject({ note: z.unknown(), extra: z.unknown().optional() });
    const test = exactTest(schema)!;
    for (const answer of [{ note: null }, { note: [1, { a: 2 }] }, {}, { extra: 1 }]) {
      expect(test(answer)).toBe(schema.safeParse(answer).success);
    }
    expect(test({})).toBe(false);
  });

  test("an etag zod's regex refuses fails the test too", () => {
    expect(exactTest(responseSchemas.Subscription.lenient)!({ attributes: { etag: "e\u0001" } })).toBe(false);
    expect(exactTest(responseSchemas.Subscription.lenient)!({ attributes: { etag: "e-1" } })).toBe(true);
  });
});
