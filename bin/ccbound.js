#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// The young generation stays at its first size. V8 grows it (to 16 MB semispaces) while startup's objects survive
// (the model file parsed and checked), and never gives that back; the searches that follow allocate almost nothing
// in their loops, so it is 20 to 30 MB of resident memory for no time: a hidden-8 LSTM's dedup walk of 2^19 runs in
// one thread peaks at 102 MB with it and 122 to 128 MB without (bench/README.md). Set before anything is loaded.
setFlagsFromString("--semi-space-growth-factor=1");
const { main, reportError } = await import("../dist/cli/main.js");

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
