import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant of the core modules (see stryker.config.json beside this file): the
 * unit tests and the secrets suite, which exercise the core modules in process in milliseconds. Left out: the
 * CLI's child-process tests; the package, example and generator tests; the type tests (tsc checks them, they kill
 * no runtime mutant); the contract tests (a Prism round trip per call) and the other reliability suites (fault
 * matrix, concurrency, abort, input and response fuzzing: a minute of a run between them), which test the same
 * rules end to end that the unit tests pin one by one.
 */
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/unit/**/*.test.ts", "test/reliability/secrets.test.ts"],
    exclude: ["test/unit/*-types.test.ts", "test/unit/generate.test.ts"],
    allowOnly: false,
  },
});
