#!/usr/bin/env node
import { main, reportError } from "../dist/cli/main.js";

// A reader that stops early (`ccbound check ... | head -1`) closes the pipe: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// What main's own catch cannot see (an error in a callback, a rejection nobody awaited, a worker's error event that
// reaches no waiter) gets one line and exit 2 as well (bad input as itself, anything else as an internal error),
// never Node's stack trace and exit 1, which reads as a verdict.
const crash = (error) => process.exit(reportError(error));
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);

process.exitCode = await main(process.argv);
