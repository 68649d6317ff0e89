import { describe, expect, test } from "vitest";
import {
  BadRequestError,
  ConditionalAccessBlockedError,
  ForbiddenError,
  LicenseQuotaExceededError,
  PartnerTokenNotAllowedError,
  ServerError,
  UnauthorizedError,
} from "../../src/errors.js";
import { errorFromResponse } from "../../src/response.js";

// The rule (reference: Partner Center error codes): a service code gets its own class only under the status the
// service documents for it: 60012 and 900316 with HTTP 400, 900309 with HTTP 403. The same code under another
// status is the status's class, since the service did not say what the documented code means.
const documented = [
  { code: 60012, status: 400, type: LicenseQuotaExceededError },
  { code: 900316, status: 400, type: PartnerTokenNotAllowedError },
  { code: 900309, status: 403, type: ConditionalAccessBlockedError },
];
const byStatus = [
  { status: 400, type: BadRequestError },
  { status: 401, type: UnauthorizedError },
  { status: 403, type: ForbiddenError },
  { status: 500, type: ServerError },
];

const errorFor = (status: number, code: number) =>
  errorFromResponse("licenses.assign", new Response(null, { status }), { code, description: "words of the service" });

describe("a service code's class and its documented status", () => {
  const rows = documented.flatMap((entry) =>
    byStatus.map(({ status, type }) => ({ ...entry, answerStatus: status, expected: status === entry.status ? entry.type : type })),
  );
  test.each(rows)("code $code under HTTP $answerStatus is $expected.name", ({ code, answerStatus, expected }) => {
    const error = errorFor(answerStatus, code);
    expect(error.name).toBe(expected.name);
    expect(error).toBeInstanceOf(expected);
  });
});
