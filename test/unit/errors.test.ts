import { describe, expect, test } from "vitest";
import {
  BadRequestError,
  ConditionalAccessBlockedError,
  ConflictError,
  categoryOf,
  ForbiddenError,
  isPartnerCenterError,
  isServiceError,
  LicenseQuotaExceededError,
  NotFoundError,
  PartnerTokenNotAllowedError,
  ServerError,
  ServiceError,
  StaleEtagError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../../src/errors.js";
import { errorFromResponse } from "../../src/response.js";

const ids = { "MS-RequestId": "f4f3b748-8b22-4d07-a5a1-dceb32824192", "MS-CorrelationId": "aaaa0000-bb11-2222-33cc-444444dddddd" };
const fault = (code: number | string, description = "words of the service") => ({
  code,
  description,
  data: ["detail"],
  source: "PartnerFD",
});

describe("errorFromResponse", () => {
  test.each([
    { status: 400, body: fault(60012), type: LicenseQuotaExceededError, parent: BadRequestError, code: 60012 },
    { status: 400, body: fault("60012"), type: LicenseQuotaExceededError, parent: BadRequestError, code: "60012" },
    { status: 400, body: fault(900316), type: PartnerTokenNotAllowedError, parent: BadRequestError, code: 900316 },
    { status: 403, body: fault(900309), type: ConditionalAccessBlockedError, parent: ForbiddenError, code: 900309 },
    { status: 400, body: fault(2055), type: StaleEtagError, parent: ServiceError, code: 2055 },
    { status: 412, body: fault(0), type: StaleEtagError, parent: ServiceError, code: 0 },
    { status: 412, body: "", type: StaleEtagError, parent: ServiceError, code: undefined },
    { status: 400, body: fault(800002), type: BadRequestError, parent: ServiceError, code: 800002 },
    { status: 401, body: fault(900421), type: UnauthorizedError, parent: ServiceError, code: 900421 },
    { status: 403, body: fault(900308), type: ForbiddenError, parent: ServiceError, code: 900308 },
    { status: 403, body: fault(60012), type: ForbiddenError, parent: ServiceError, code: 60012 },
    { status: 404, body: fault(20003), type: NotFoundError, parent: ServiceError, code: 20003 },
    { status: 409, body: fault(900278), type: ConflictError, parent: ServiceError, code: 900278 },
    {
      status: 429,
      body: { statusCode: 429, message: "Rate limit is exceeded" },
      type: TooManyRequestsError,
      parent: ServiceError,
      code: undefined,
    },
    { status: 500, body: fault(800003), type: ServerError, parent: ServiceError, code: 800003 },
    {
      status: 502,
      body: "<html><head><title>502 Bad Gateway</title></head></html>",
      type: ServerError,
      parent: ServiceError,
      code: undefined,
    },
    { status: 503, body: "", type: ServerError, parent: ServiceError, code: undefined },
    { status: 504, body: '{"code": 8000', type: ServerError, parent: ServiceError, code: undefined },
    { status: 418, body: fault(1), type: ServiceError, parent: Error, code: 1 },
  ])("maps HTTP $status with $body.code to $type.name", ({ status, body, type, parent, code }) => {
    const error = errorFromResponse("licenses.assign", new Response(null, { status, headers: ids }), body);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(parent);
    expect(error.name).toBe(type.name);
    expect(error).toMatchObject({
      status,
      code,
      category: categoryOf(status),
      requestId: ids["MS-RequestId"],
      correlationId: ids["MS-CorrelationId"],
    });
    expect(error.message).toContain(`licenses.assign failed with HTTP ${status}`);
    expect(error.message).toContain(ids["MS-RequestId"]);
    expect(error.description).toBeTruthy();
  });

  test("puts the service's code and words in the message", () => {
    const error = errorFromResponse("licenses.assign", new Response(null, { status: 400 }), fault(60012, "You have run out of licenses."));
    expect(error.message).toBe("licenses.assign failed with HTTP 400 code 60012: You have run out of licenses.");
    expect(error.data).toEqual(["detail"]);
    expect(error.source).toBe("PartnerFD");
  });

  test.each([
    ["", "the error body was empty"],
    ["<!DOCTYPE html><html><title>Service Unavailable</title>", 'the error body was an HTML page ("Service Unavailable")'],
    ['{"code":', "the error body was not valid JSON (8 characters)"],
    [[1, 2], "the error body was not a service fault"],
  ])("describes an unusable body %j", (body, description) => {
    const error = errorFromResponse("subscriptions.get", new Response(null, { status: 503 }), body);
    expect(error.description).toBe(description);
    expect(error.message).toContain(description);
  });

  test("reads Retry-After in seconds and as an HTTP date", () => {
    const seconds = errorFromResponse("x", new Response(null, { status: 429, headers: { "Retry-After": "12" } }), "");
    expect(seconds.retryAfterMs).toBe(12_000);
    const date = errorFromResponse(
      "x",
      new Response(null, { status: 503, headers: { "Retry-After": new Date(Date.now() + 60_000).toUTCString() } }),
      "",
    );
    expect(date.retryAfterMs).toBeGreaterThan(55_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(60_000);
  });
});

describe("category and guards", () => {
  test.each([
    [400, "BadInput"],
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [405, "InvalidOperation"],
    [406, "UnsupportedDataFormat"],
    [408, "RequestTimeout"],
    [409, "AlreadyExists"],
    [429, "TooManyRequests"],
    [503, "ServerBusy"],
    [504, "GatewayTimeout"],
    [500, "ServerError"],
    [502, "ServerError"],
    [418, "ServerError"],
  ])("HTTP %i is in category %s", (status, category) => {
    expect(categoryOf(status)).toBe(category);
  });

  test("guards recognise errors from another copy of the package by name", () => {
    const foreign = Object.assign(new Error("x"), { name: "NotFoundError", requestId: "r", status: 404, category: "NotFound" });
    expect(isPartnerCenterError(foreign)).toBe(true);
    expect(isServiceError(foreign)).toBe(true);
    expect(isPartnerCenterError(new Error("x"))).toBe(false);
    expect(isServiceError(new TypeError("x"))).toBe(false);
  });

  test("JSON.stringify of an error holds the ids and codes", () => {
    const error = errorFromResponse("licenses.assign", new Response(null, { status: 400, headers: ids }), fault(60012));
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "LicenseQuotaExceededError",
      status: 400,
      code: 60012,
      requestId: ids["MS-RequestId"],
    });
  });
});
