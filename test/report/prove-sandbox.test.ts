/**
 * The class of hole: a hostile writeup that uses `ccbound prove` to touch what it should not. Its commands write only
 * in the scratch directory (not through it into the repository), name no absolute path and no `..`, cannot nest a
 * prove, end with their whole process group at the timeout, and leave no scratch directory behind, on any way out.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { checkPinsCover, prove } from "../../src/report/prove.js";
import { PROVE_MARKER, runConfined } from "../../src/report/sandbox.js";
import { parseWriteup } from "../../src/report/writeup.js";
import { ccbound, tempDir } from "../e2e/cli.js";

const MODEL = "examples/lookup-dfa-10.json";
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** A writeup pinning MODEL, whose console block runs `commands`. */
function writeup(commands: string[], pins: string[] = [`${sha(MODEL)}  ${MODEL}`]): string {
  return ["```sha256", ...pins, "```", "", "```console", ...commands.map((c) => `$ ${c}`), "```", ""].join("\n");
}

function refusal(text: string, root?: string): CcboundError {
  try {
    checkPinsCover(parseWriteup(text, "evil.md"), root);
  } catch (e) {
    if (e instanceof CcboundError) return e;
    throw e;
  }
  throw new Error("the writeup was accepted");
}

/** Every file below `dir` with its SHA-256, to compare a tree before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = sha(p);
    }
  };
  walk(dir, "");
  return out;
}

/** Whether a process runs: a killed one may linger as a zombie until its new parent reaps it, which is dead enough. */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    if (existsSync("/proc/self/status")) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Running processes whose working directory is inside `dir` (Linux /proc). */
function processesIn(dir: string): number[] {
  if (!existsSync("/proc/self/cwd")) return [];
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir) && alive(Number(p));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("what a writeup's commands may name (refused before anything runs, exit 2)", () => {
  it.each([
    ["an absolute path", "ccbound eval /etc/passwd --input 0", /names an absolute path \(\/etc\/passwd\)/],
    [
      "an absolute path into the repository through /proc (it once skipped the pin check)",
      "ccbound eval /proc/self/cwd/examples/lookup-dfa-10.json --input 0",
      /names an absolute path/,
    ],
    [
      "a path with ..",
      "ccbound zoo hash-equality --n 8 --out ../x.json",
      /names a path with a "\.\." segment \(\.\.\/x\.json\)/,
    ],
    ["a .. inside a path", "ccbound zoo hash-equality --n 8 --out examples/../../x.json", /"\.\." segment/],
    ["a --flag=value path", "ccbound zoo hash-equality --n 8 --out=/tmp/x.json", /absolute path \(\/tmp\/x\.json\)/],
    ["a nested prove", "ccbound prove evil.md", /cannot run ccbound prove/],
    ["a nested prove of itself by /proc", "ccbound prove /proc/self/cwd/x/evil.md", /cannot run ccbound prove/],
  ])("%s", (_name, command, message) => {
    const e = refusal(writeup([command]));
    expect(e.code).toBe("invalid-input");
    expect(e.where).toBe("evil.md:6");
    expect(e.message).toMatch(message);
  });

  it("a pin of an absolute or .. path", () => {
    expect(refusal(writeup(["ccbound --version"], [`${"0".repeat(64)}  /etc/passwd`])).message).toMatch(
      /the pin of \/etc\/passwd names an absolute path/,
    );
    expect(refusal(writeup(["ccbound --version"], [`${"0".repeat(64)}  ../x.json`])).where).toBe("evil.md:2");
  });

  it("a safetensors model's sidecar is read without being named: it must be pinned too", () => {
    const root = tempDir();
    writeFileSync(join(root, "m.safetensors"), "x");
    writeFileSync(join(root, "m.ccbound.json"), "{}");
    const e = refusal(
      writeup(["ccbound eval m.safetensors --input 0"], [`${sha(join(root, "m.safetensors"))}  m.safetensors`]),
      root,
    );
    expect(e.message).toMatch(/reads m\.ccbound\.json, which no ```sha256 block pins/);
    expect(e.hint).toBe(`add "${sha(join(root, "m.ccbound.json"))}  m.ccbound.json"`);
  });

  it("a prove run inside a writeup's command (the environment marker) is refused at run time too", () => {
    const r = spawnSyncWithEnv(["prove", "proofs/README.md"], { [PROVE_MARKER]: "1" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("ccbound: prove: ccbound prove cannot run inside a writeup's checked command");
    expect(r.stdout).toBe("");
  });
});

function spawnSyncWithEnv(args: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return ccbound(...args);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
  }
}

describe("running a hostile writeup (spawns bin/ccbound.js)", () => {
  let tmp: string;
  let savedTmp: string | undefined;
  beforeEach(() => {
    // a private temporary folder: scratch directories are counted there, apart from other tests' and users'
    tmp = tempDir();
    savedTmp = process.env["TMPDIR"];
    process.env["TMPDIR"] = tmp;
  });
  const scratchDirs = () => readdirSync(tmp).filter((d) => d.startsWith("ccbound-prove-"));
  afterEach(() => {
    if (savedTmp === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = savedTmp;
  });

  it("writes land in the scratch directory, never in the repository, and the scratch directory is removed", async () => {
    const root = tempDir();
    mkdirSync(join(root, "examples"));
    mkdirSync(join(root, "proofs"));
    copyFileSync(MODEL, join(root, MODEL));
    writeFileSync(join(root, "proofs/thm3.md"), "# the real writeup\n");
    const before = snapshot(root);
    const text = writeup([
      "ccbound zoo hash-equality --n 8 --bits 4 --seed 1 --out examples/PWNED.json",
      "ccbound zoo hash-equality --n 8 --bits 4 --seed 1 --out examples/lookup-dfa-10.json",
      "ccbound eval examples/lookup-dfa-10.json --input '0 1 0 1 0 1 0 1'",
      "ccbound convert examples/PWNED.json proofs/thm3.safetensors",
    ]);
    const w = parseWriteup(text, "evil.md");
    checkPinsCover(w, root);
    const [report] = await prove([w], { root });
    expect(report!.runs.map((r) => r.exit)).toEqual([0, 0, 0, 2]); // they ran; convert found no proofs/ to write in
    // the third command read the copy the second one overwrote (the pinned DFA answers 0 on this input)
    expect(report!.runs[2]!.output).toEqual(["output  1"]);
    expect(snapshot(root)).toEqual(before);
    expect(scratchDirs()).toEqual([]);
  }, 60_000);

  it("a pin is checked on the very bytes the commands read, copied, not linked", async () => {
    const root = tempDir();
    mkdirSync(join(root, "examples"));
    copyFileSync(MODEL, join(root, MODEL));
    const w = parseWriteup(
      writeup(["ccbound eval examples/lookup-dfa-10.json --input '0 1 0 1 0 1 0 1 0 1 @3'"]),
      "w.md",
    );
    const [ok] = await prove([w], { root });
    expect(ok!.drifts.filter((d) => d.kind === "pin")).toEqual([]);
    writeFileSync(join(root, MODEL), readFileSync(MODEL, "utf8").replace('"name"', '"description": "changed", "name"'));
    const [changed] = await prove([w], { root });
    expect(changed!.drifts[0]).toMatchObject({ kind: "pin", actual: sha(join(root, MODEL)) });
  }, 60_000);

  it("a timeout kills the command's whole process group, grandchildren included", async () => {
    const pidFile = join(tempDir(), "grandchild.pid");
    const script = [
      "const { spawn } = require('node:child_process');",
      "const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });",
      `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));`,
      "setTimeout(() => {}, 60000);",
    ].join("\n");
    const started = Date.now();
    const r = await runConfined(process.execPath, ["-e", script], tempDir(), 1500);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/ran past 1500 ms; its process group was killed/);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    await new Promise((ok) => setTimeout(ok, 200));
    expect(alive(grandchild)).toBe(false);
  }, 30_000);

  it("SIGINT during a run: exit 130, the command's group killed, the scratch directory removed", async () => {
    const dir = tempDir();
    const slow = join(dir, "slow.md");
    writeFileSync(
      slow,
      writeup(
        [
          "ccbound zoo hash-equality --n 64 --bits 40 --seed 1 --out h.json",
          "ccbound check h.json --task equality --n 64 --seed 1 --workers 1",
        ],
        [],
      ),
    );
    const child = spawn(process.execPath, ["bin/ccbound.js", "prove", slow], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    // Wait until a command runs in the scratch directory after h.json exists. Between the zoo command's exit and the
    // check's start nothing runs there, so the directory's existence alone is not enough (CI once caught that gap).
    let scratch: string | undefined;
    for (let i = 0; i < 300 && scratch === undefined; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      const found = readdirSync(tmp).find((d) => d.startsWith("ccbound-prove-"));
      const dir = found === undefined ? undefined : join(tmp, found);
      if (dir && existsSync(join(dir, "h.json")) && processesIn(dir).length > 0) scratch = dir;
    }
    expect(scratch).toBeDefined();
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(scratchDirs()).toEqual([]);
    await new Promise((ok) => setTimeout(ok, 300)); // SIGKILL is asynchronous
    expect(processesIn(scratch!)).toEqual([]);
  }, 60_000);
});
