import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The CLI's tests run against the library's sources, as tsconfig.json's `paths` does for tsc and tsx.
    alias: [
      { find: /^partner-center-client$/, replacement: fileURLToPath(new URL("src/index.ts", import.meta.url)) },
      { find: /^partner-center-client\/errors$/, replacement: fileURLToPath(new URL("src/errors.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "cli/test/**/*.test.ts"],
    // Type tests hold no runtime assertion: they run once, under tsc (typecheck below).
    exclude: ["**/node_modules/**", "test/**/*-types.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // The CLI run in-process builds DefaultAzureCredential from this process's environment: keep its chain on
    // this machine (developer tools only, no managed identity probe of IMDS).
    env: { AZURE_TOKEN_CREDENTIALS: "dev" },
    // A skipped test would hide a hole in the contract; none may be left behind.
    allowOnly: false,
    passWithNoTests: false,
    // The type tests (expectTypeOf, @ts-expect-error) are checked by tsc as part of the run: a type error in one
    // fails `npm test`, as a failed assertion does.
    typecheck: { enabled: true, include: ["test/**/*-types.test.ts"], tsconfig: "./tsconfig.json" },
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts", "cli/src/**/*.ts"],
      reporter: ["text-summary", "text"],
      // The gate is on lines of the library and the CLI; the run fails under it.
      thresholds: { lines: 90 },
    },
  },
});
