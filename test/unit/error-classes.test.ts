import { describe, expect, test } from "vitest";
import * as errors from "../../src/errors.js";
import {
  BadRequestError,
  InvalidInputError,
  isPartnerCenterError,
  isServiceError,
  LicenseQuotaExceededError,
  PartnerCenterError,
  ServerError,
  ServiceError,
  serviceErrorClass,
  UnexpectedResponseError,
  UpgradeRejectedError,
} from "../../src/errors.js";

// Every class this module exports, by its exported name.
const classes = Object.entries(errors as Record<string, unknown>).filter(
  ([, value]) => typeof value === "function" && value.prototype instanceof Error,
);

/** An error of another copy of this package: a plain Error that carries the same name and fields. */
function foreign(name: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error("from another copy"), { name }, fields);
}

describe("error classes", () => {
  test("there are twenty-one; the root is named PartnerCenterError", () => {
    expect(classes).toHaveLength(21);
    expect(new PartnerCenterError("x").name).toBe("PartnerCenterError");
  });

  test.each(classes.map(([name]) => name))("an error named %s from another copy of the package is recognised", (name) => {
    expect(isPartnerCenterError(foreign(name, { requestId: undefined }))).toBe(true);
  });

  test("another copy's error is recognised only with a known name and a requestId field", () => {
    expect(isPartnerCenterError(foreign("TypeError", { requestId: "r" }))).toBe(false);
    expect(isPartnerCenterError(foreign("NetworkError", {}))).toBe(false);
    expect(isPartnerCenterError({ name: "NetworkError", requestId: "r" })).toBe(false);
  });

  test("another copy's service error is recognised by its status and category", () => {
    expect(isServiceError(foreign("ServerError", { requestId: "r", status: 503, category: "ServerError" }))).toBe(true);
    expect(isServiceError(foreign("ServerError", { requestId: "r", status: 503 }))).toBe(false);
    expect(isServiceError(foreign("ServerError", { requestId: "r", category: "ServerError" }))).toBe(false);
    expect(isServiceError(foreign("TypeError", { requestId: "r", status: 503, category: "ServerError" }))).toBe(false);
  });

  test("the names of the client-side errors", () => {
    expect(new InvalidInputError("op", ["a"]).name).toBe("InvalidInputError");
    expect(new errors.NetworkError("x").name).toBe("NetworkError");
    expect(new errors.TimeoutError("x").name).toBe("TimeoutError");
    expect(new errors.AbortedError("x").name).toBe("AbortedError");
    expect(new errors.AuthenticationError("x").name).toBe("AuthenticationError");
    expect(new UnexpectedResponseError("op", 200, ["p"]).name).toBe("UnexpectedResponseError");
    expect(new UpgradeRejectedError("op", {}, ["r"]).name).toBe("UpgradeRejectedError");
  });
});

describe("messages", () => {
  test("a message ends with the ids the call had, those it had only", () => {
    expect(new PartnerCenterError("x", { requestId: "r", correlationId: "c" }).message).toBe("x [MS-RequestId r, MS-CorrelationId c]");
    expect(new PartnerCenterError("x", { correlationId: "c" }).message).toBe("x [MS-CorrelationId c]");
    expect(new PartnerCenterError("x", { requestId: "r" }).message).toBe("x [MS-RequestId r]");
    expect(new PartnerCenterError("x").message).toBe("x");
  });

  test("a service error names its code, zero included, and its words", () => {
    expect(new ServiceError({ operation: "op", status: 400, code: 0 }).message).toBe("op failed with HTTP 400 code 0");
    expect(new ServiceError({ operation: "op", status: 400, description: "no" }).message).toBe("op failed with HTTP 400: no");
    expect(new ServiceError({ operation: "op", status: 400 }).data).toEqual([]);
  });

  test("the client-side errors list their problems and reasons", () => {
    expect(new InvalidInputError("op", ["a", "b"]).message).toBe("op was not sent: a; b");
    const unexpected = new UnexpectedResponseError("op", 200, ["p1", "client_secret=abc"]);
    expect(unexpected.message).toBe("op got an unexpected HTTP 200 answer: p1; client_secret=[redacted]");
    expect(unexpected.problems).toEqual(["p1", "client_secret=[redacted]"]);
    expect(new UpgradeRejectedError("op", {}, ["r1", "r2"]).message).toBe("op was rejected by the service: r1; r2");
  });
});

describe("serviceErrorClass", () => {
  test.each([
    { status: 400, code: " 60012 ", type: LicenseQuotaExceededError },
    { status: 400, code: "60012x", type: BadRequestError },
    { status: 400, code: "x60012", type: BadRequestError },
    { status: 400, code: "600 12", type: BadRequestError },
    { status: 418, code: undefined, type: ServiceError },
    { status: 499, code: undefined, type: ServiceError },
    { status: 500, code: undefined, type: ServerError },
    { status: 302, code: undefined, type: ServerError },
  ])("HTTP $status with code $code is $type.name", ({ status, code, type }) => {
    expect(serviceErrorClass(status, code)).toBe(type);
  });
});
