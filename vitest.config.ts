import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end tests run bin/ccbound.js, which runs dist/: build it once, fresh, before any test.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
  },
});
