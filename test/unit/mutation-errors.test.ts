import { describe, expect, test } from "vitest";
import { serviceErrorClass } from "../../src/errors.js";
import * as library from "../../src/index.js";
import { BadRequestError, isPartnerCenterError, LicenseQuotaExceededError, PartnerCenterError } from "../../src/index.js";

/** The error classes as the package exports them: the list `isPartnerCenterError` must know by name. */
const exportedClasses = Object.entries(library)
  .filter(([, value]) => typeof value === "function" && (value === PartnerCenterError || value.prototype instanceof PartnerCenterError))
  .map(([name]) => name);

describe("an error from another copy of the package", () => {
  test("the export list holds every class (a check of the list itself)", () => {
    expect(exportedClasses).toContain("PartnerCenterError");
    expect(exportedClasses).toContain("UpgradeRejectedError");
    expect(exportedClasses.length).toBeGreaterThanOrEqual(21);
  });

  test.each(exportedClasses)("%s is recognised by its name and requestId", (name) => {
    const foreign = Object.assign(new Error("from another copy"), { name, requestId: undefined });
    expect(isPartnerCenterError(foreign)).toBe(true);
  });

  test.each(["Error", "TypeError", "PartnerCenterErrors", ""])("%j is not", (name) => {
    const foreign = Object.assign(new Error("look-alike"), { name, requestId: "r-1" });
    expect(isPartnerCenterError(foreign)).toBe(false);
  });
});

describe("the class picked for a code", () => {
  test("is named as it is exported", () => {
    for (const [status, code] of [
      [400, 60012],
      [400, 900316],
      [403, 900329],
      [403, 900309],
      [400, 2055],
    ] as const) {
      const type = serviceErrorClass(status, code);
      expect(new type({ operation: "op", status }).name).toBe(type.name);
    }
  });
});

describe("a fault code given as a string", () => {
  test("is read as a number only when it is all digits", () => {
    expect(serviceErrorClass(400, "60012")).toBe(LicenseQuotaExceededError);
    expect(serviceErrorClass(400, " 60012 ")).toBe(LicenseQuotaExceededError);
    // Number("6.0012e4") is 60012, but that is not how the service writes a code.
    expect(serviceErrorClass(400, "6.0012e4")).toBe(BadRequestError);
    expect(serviceErrorClass(400, "060012x")).toBe(BadRequestError);
    expect(serviceErrorClass(400, "x60012")).toBe(BadRequestError);
  });
});
