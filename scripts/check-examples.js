#!/usr/bin/env node
// npm start: check every model in examples/ against its bound, print the verdicts, write a certificate for each
// refuted one to certificates/ and re-check it with `ccbound verify`. Exits 1 if any verdict is not the expected one.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";

const cli = ["bin/ccbound.js"];
const manifest = JSON.parse(readFileSync("examples/manifest.json", "utf8"));
const verdictOf = { 0: "survived", 1: "refuted", 3: "inconclusive" };
mkdirSync("certificates", { recursive: true });
let mismatches = 0;

for (const e of manifest) {
  const model = `examples/${e.model}`;
  const cert = `certificates/${e.model}`;
  console.log(`\n== ${model}: ${e.task}, n=${e.n}\n   ${e.why}`);
  const check = spawnSync(
    process.execPath,
    [...cli, "check", model, "--task", e.task, "--n", String(e.n), "--seed", "1", "--cert", cert],
    { stdio: "inherit" },
  );
  const verdict = verdictOf[check.status] ?? `error (exit ${check.status})`;
  if (verdict === "refuted") {
    const verify = spawnSync(process.execPath, [...cli, "verify", cert, "--model", model], { stdio: "inherit" });
    if (verify.status !== 0) mismatches++;
  }
  if (verdict !== e.expect) {
    console.log(`!! expected ${e.expect}, got ${verdict}`);
    mismatches++;
  }
}
console.log(`\n${manifest.length} examples checked, ${mismatches} not as expected; certificates in certificates/`);
process.exitCode = mismatches === 0 ? 0 : 1;
