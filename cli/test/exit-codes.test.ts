import { describe, expect, test } from "vitest";
import * as errors from "../../src/errors.js";
import * as api from "../../src/index.js";
import { EXIT_CODES, exitCodeHelp, exitCodeOf } from "../src/exit-codes.js";
import { describeFailure } from "../src/failure.js";
import { parsePrefer } from "../src/mock.js";
import { formatFields, formatTable } from "../src/output.js";

// The error-to-exit-code table, and the one-line form of an error.
const service = (status: number, code?: number) => ({
  operation: "op",
  status,
  code,
  description: "words",
  requestId: "r",
  correlationId: "c",
});

describe("exitCodeOf", () => {
  test.each(
    [
      [new errors.InvalidInputError("op", ["bad"]), 2],
      [new errors.AuthenticationError("no token"), 3],
      [new errors.UnauthorizedError(service(401)), 4],
      [new errors.ForbiddenError(service(403)), 5],
      [new errors.NotFoundError(service(404)), 6],
      [new errors.ConflictError(service(409)), 7],
      [new errors.StaleEtagError(service(412)), 7],
      [new errors.TooManyRequestsError(service(429)), 8],
      [new errors.ServerError(service(503)), 9],
      [new errors.ServiceError(service(418)), 9],
      [new errors.NetworkError("down"), 10],
      [new errors.TimeoutError("slow"), 10],
      [new errors.UnexpectedResponseError("op", 200, ["cut off"]), 11],
      [new errors.LicenseQuotaExceededError(service(400, 60012)), 12],
      [new errors.PartnerTokenNotAllowedError(service(400, 900316)), 13],
      [new errors.ConditionalAccessBlockedError(service(403, 900309)), 14],
      [new errors.BadRequestError(service(400)), 15],
      [new errors.UpgradeRejectedError("op", { upgradeErrors: [{}] }, ["no"]), 16],
      [new errors.AbortedError("stopped"), 130],
      [new errors.PartnerCenterError("other"), 70],
      [new TypeError("bug"), 70],
      ["not an error", 70],
    ].map(([error, code]) => ({ name: error instanceof Error ? error.name : String(error), error, code })),
  )("$name exits $code", ({ error, code }) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  test("an error from another copy of the package is matched by its name", () => {
    const copy = Object.assign(new Error("x"), { name: "LicenseQuotaExceededError", requestId: "r", status: 400, category: "BadInput" });
    expect(exitCodeOf(copy)).toBe(12);
  });

  test("every exported error class has an exit code of its own kind", () => {
    const classes = Object.keys(errors).filter((name) => /^[A-Z]\w*Error$/.test(name) && name !== "PartnerCenterError");
    const listed = EXIT_CODES.flatMap((entry) => entry.classes);
    expect(classes.filter((name) => !listed.includes(name))).toEqual([]);
  });

  test("the help names every error class the package exports (but the root, which exits 70 like any unknown failure)", () => {
    const exported = Object.entries(api)
      .filter(([, value]) => typeof value === "function" && value.prototype instanceof Error)
      .map(([name]) => name)
      .filter((name) => name !== "PartnerCenterError");
    expect(exported).toContain("LicenseQuotaExceededError");
    for (const name of exported) expect(exitCodeHelp()).toContain(name);
  });
});

describe("describeFailure", () => {
  test("a service error: class, status, code and the service's words on one line; the ids on the next", () => {
    const failure = describeFailure(new errors.LicenseQuotaExceededError({ ...service(400, 60012), description: "out of\nlicenses" }));
    expect(failure).toMatchObject({
      line: "LicenseQuotaExceededError (HTTP 400, code 60012): out of licenses",
      support: "Quote to Microsoft support: MS-RequestId r, MS-CorrelationId c",
      exitCode: 12,
    });
    expect(failure.json).toMatchObject({
      error: "LicenseQuotaExceededError",
      status: 400,
      code: 60012,
      requestId: "r",
      correlationId: "c",
      exitCode: 12,
    });
  });

  test("the run's correlation id stands in when the error has none", () => {
    expect(describeFailure(new errors.NetworkError("down"), { correlationId: "run" }).support).toBe(
      "Quote to Microsoft support: MS-CorrelationId run",
    );
    expect(describeFailure(new errors.NetworkError("down")).support).toBeUndefined();
  });

  test("anything else is an unexpected failure with exit code 70", () => {
    expect(describeFailure(new TypeError("x is undefined"))).toMatchObject({
      line: "unexpected failure, TypeError: x is undefined",
      exitCode: 70,
    });
  });
});

describe("small helpers", () => {
  test.each([
    [undefined, undefined],
    ["  ", undefined],
    ["code=404", { method: undefined, value: "code=404" }],
    ["patch code=409, example=operationPending", { method: "PATCH", value: "code=409, example=operationPending" }],
  ])("parsePrefer(%o)", (value, expected) => {
    expect(parsePrefer(value)).toEqual(expected);
  });

  test("formatTable pads columns and formatFields skips empty values", () => {
    expect(
      formatTable(
        ["A", "LONG"],
        [
          ["xx", 1],
          [null, { b: 2 }],
        ],
      ),
    ).toBe('A   LONG\n--  -------\nxx  1\n    {"b":2}');
    expect(
      formatFields([
        ["id", "1"],
        ["skipped", ""],
        ["name", "multi\nline"],
      ]),
    ).toBe("id:   1\nname: multi line");
  });
});
