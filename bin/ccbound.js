#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// A reader that stops early (`ccbound check ... | head -1`) closes the pipe: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv);
