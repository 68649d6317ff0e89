import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Type tests hold no runtime assertion: they run once, under tsc (typecheck below).
    exclude: ["**/node_modules/**", "test/**/*-types.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // A skipped test would hide a hole in the contract; none may be left behind.
    allowOnly: false,
    passWithNoTests: false,
    // The type tests (expectTypeOf, @ts-expect-error) are checked by tsc as part of the run: a type error in one
    // fails `npm test`, as a failed assertion does.
    typecheck: { enabled: true, include: ["test/**/*-types.test.ts"], tsconfig: "./tsconfig.json" },
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "text"],
      // The gate is on lines of the library; the run fails under it.
      thresholds: { lines: 90 },
    },
  },
});
