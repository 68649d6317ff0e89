import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant of the core modules (see stryker.config.json beside this file): the
 * unit, contract and reliability suites that exercise them in process. Left out: the CLI's child-process tests,
 * the package, example and generator tests (they spawn processes and test no core module in process), the type
 * tests (checked by tsc, they kill no runtime mutant), and the slowest reliability suites (fault matrix, concurrency,
 * input fuzzing, abort: 40 s of a run between them; the unit tests of retry.ts cover the same rules in milliseconds).
 */
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts", "test/reliability/**/*.test.ts"],
    exclude: [
      "test/unit/*-types.test.ts",
      "test/unit/generate.test.ts",
      "test/reliability/fault-matrix.test.ts",
      "test/reliability/concurrency.test.ts",
      "test/reliability/fuzz-input.test.ts",
      "test/reliability/abort.test.ts",
    ],
    globalSetup: ["test/global-setup.ts"],
    allowOnly: false,
  },
});
