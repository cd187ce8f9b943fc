import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end tests run bin/ccbound.js, which runs dist/: build it once, fresh, before any test.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    // vitest's default is one worker per core less one: on a 2-core machine, one. Most of the time here is spent in
    // child processes (the CLI tests) and in waiting for them, so two files at once use both cores: measured 873 s
    // with one worker against the time .ci/run prints with two.
    maxWorkers: 2,
  },
});
