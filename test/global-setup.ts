import { execFileSync } from "node:child_process";

/** Build dist/ for the end-to-end tests. CCBOUND_SKIP_BUILD=1 skips it when running unit tests only, during work. */
export default function setup(): void {
  if (process.env.CCBOUND_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
